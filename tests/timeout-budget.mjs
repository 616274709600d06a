// Checks that every test binary's CTest TIMEOUT exceeds the sum of the wait bounds written in its
// sources (QTRY_*, waitUntil, await, qWait, qWaitFor, openAndWait, waitFor, waitForFinished) plus
// a minute for starting its servers (ten seconds for a binary that starts none): a binary whose waits all run long on a loaded machine must
// still report its own result, so that timing never decides whether a test passes.
// It reads tests/*/CMakeLists.txt (hallway_add_test lines) and the sources they list, with the
// headers they include from tests/support. An estimate: a wait inside a loop counts once.
// Usage: node tests/timeout-budget.mjs [--list]
import { readFileSync, existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const testsDir = dirname(fileURLToPath(import.meta.url))
const serverStartupMs = 60000
const plainStartupMs = 10000
const defaultTimeoutS = 120 // hallway_add_test's default

// Defaults of the helpers when no bound is passed (Qt's and tests/support's).
const defaults = { QTRY: 5000, waitUntil: 5000, await: 8000, qWaitFor: 5000, openAndWait: 8000, waitFor: 10000,
                   waitForFinished: 30000 }
const unknownMs = 10000 // a bound this script cannot evaluate

function constants(src) {
  const table = {}
  for (const m of src.matchAll(/constexpr\s+(?:int|qint64)\s+(\w+)\s*=\s*([^;]+);/g)) table[m[1]] = m[2]
  return table
}

function evaluate(expr, table) {
  let e = expr.trim()
  for (let i = 0; i < 6; ++i) {
    const next = e.replace(/\b[A-Za-z_]\w*\b/g, (id) => (id in table ? `(${table[id]})` : id))
    if (next === e) break
    e = next
  }
  if (!/^[\d\s+\-*/().]+$/.test(e)) return null
  try { return Math.round(Function(`"use strict"; return (${e})`)()) } catch { return null }
}

// The top-level arguments of the call whose "(" is at src[open].
function callArgs(src, open) {
  const args = []
  let depth = 0, cur = "", quote = null
  for (let i = open; i < src.length; ++i) {
    const c = src[i]
    if (quote) {
      cur += c
      if (c === "\\") { cur += src[++i]; continue }
      if (c === quote) quote = null
      continue
    }
    if (c === '"' || c === "'") { quote = c; cur += c; continue }
    if ("([{".includes(c)) { if (depth++ === 0) continue }
    if (")]}".includes(c)) { if (--depth === 0) { args.push(cur); return args } }
    if (c === "," && depth === 1) { args.push(cur); cur = ""; continue }
    cur += c
  }
  return args
}

function waitBudgetMs(src) {
  const table = constants(src)
  const peerDefault = src.match(/QJsonObject waitFor\(const QJsonObject &\w+, int \w+ = (\w+)\)/)
  const waitForDefault = peerDefault ? evaluate(peerDefault[1], table) ?? defaults.waitFor : defaults.waitFor
  let total = 0
  const re = /\b(QTRY_\w+|waitUntil|await|qWait|qWaitFor|openAndWait|openAndJoin|waitFor|waitForFinished)\s*\(/g
  for (const m of src.matchAll(re)) {
    const name = m[1]
    const args = callArgs(src, m.index + m[0].length - 1)
    const last = args.length ? args[args.length - 1] : ""
    let ms
    if (name.startsWith("QTRY")) ms = name.endsWith("WITH_TIMEOUT") ? evaluate(last, table) : defaults.QTRY
    else if (name === "qWait") ms = evaluate(args[0] ?? "", table)
    else if (name === "openAndJoin") ms = 2 * defaults.openAndWait
    else if (name === "openAndWait" || name === "waitForFinished")
      ms = args.length && args[0].trim() ? evaluate(args[0], table) : defaults[name]
    else if (name === "waitFor") ms = args.length > 1 ? evaluate(last, table) : waitForDefault
    else ms = args.length > 1 ? evaluate(last, table) : defaults[name]
    total += ms ?? unknownMs
  }
  return total
}

function sourcesOf(dir, files) {
  let text = ""
  for (const f of files) {
    const path = join(dir, f)
    if (!existsSync(path)) continue
    const src = readFileSync(path, "utf8")
    text += src
    for (const inc of src.matchAll(/#include "(\w+\.h)"/g)) {
      const support = join(testsDir, "support", inc[1])
      if (/fixture/.test(inc[1]) && existsSync(support)) text += readFileSync(support, "utf8")
    }
  }
  return text
}

const list = process.argv.includes("--list")
const failures = []
for (const sub of ["unit", "integration", "gui"]) {
  const dir = join(testsDir, sub)
  const cmake = readFileSync(join(dir, "CMakeLists.txt"), "utf8")
  for (const m of cmake.matchAll(/hallway_add_test\(([^)]*)\)/g)) {
    const body = m[1]
    const name = body.match(/NAME\s+(\w+)/)[1]
    const sources = (body.match(/SOURCES\s+(.*?)\s+LABELS/s)?.[1] ?? "").split(/\s+/).filter((s) => s.endsWith(".cpp"))
    const timeoutS = Number(body.match(/TIMEOUT\s+(\d+)/)?.[1] ?? defaultTimeoutS)
    const text = sourcesOf(dir, sources)
    const startupMs = /ServerStack|KeyringSession|PrivateBus|QProcess/.test(text) ? serverStartupMs : plainStartupMs
    const needS = Math.ceil((waitBudgetMs(text) + startupMs) / 1000)
    if (list) console.log(`${name.padEnd(26)} TIMEOUT ${String(timeoutS).padStart(5)} s  waits + start-up ${needS} s`)
    if (timeoutS < needS) failures.push(`${name}: TIMEOUT ${timeoutS} s is below its wait bounds + start-up (${needS} s)`)
  }
}
if (failures.length) {
  console.error(failures.join("\n"))
  process.exit(1)
}
console.log("every test binary's TIMEOUT covers its wait bounds")
