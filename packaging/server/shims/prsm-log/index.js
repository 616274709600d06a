// Minimal structured logger with the surface @prsm/realtime 1.8.1 uses:
// log.configure({level}), log.child(fields), and debug/info/warn/error(message, fields?).
const LEVELS = { debug: 4, info: 3, warn: 2, error: 1, none: 0 }
const state = { level: LEVELS.info }

function format(value) {
  if (value instanceof Error) return { message: value.message, code: value.code, stack: value.stack }
  return value
}

function emit(level, bound, message, fields) {
  if (LEVELS[level] > state.level) return
  const record = { ts: new Date().toISOString(), level, msg: String(message) }
  for (const [k, v] of Object.entries({ ...bound, ...(fields ?? {}) })) record[k] = format(v)
  const line = JSON.stringify(record)
  if (level === "error" || level === "warn") process.stderr.write(line + "\n")
  else process.stdout.write(line + "\n")
}

function makeLogger(bound) {
  return {
    debug: (message, fields) => emit("debug", bound, message, fields),
    info: (message, fields) => emit("info", bound, message, fields),
    warn: (message, fields) => emit("warn", bound, message, fields),
    error: (message, fields) => emit("error", bound, message, fields),
    child: (fields) => makeLogger({ ...bound, ...fields }),
    configure: (options = {}) => {
      const level = String(options.level ?? "info").toLowerCase()
      state.level = LEVELS[level] ?? LEVELS.info
    },
  }
}

const log = makeLogger({})
export default log
export { log }
