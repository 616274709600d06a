// Hallway's deployment of the real @prsm/realtime server. Everything here is configuration:
// authentication, which rooms track presence, the chat channels and two custom commands.
// Settings come from the environment (see README.md, "Server settings").
import { createServer } from "node:http"
import { randomUUID } from "node:crypto"
import { RealtimeServer } from "@prsm/realtime"

const env = process.env
const num = (name, fallback) => {
  const raw = env[name]
  if (raw === undefined || raw === "") return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`)
  return value
}

const settings = {
  host: env.HALLWAY_HOST || "127.0.0.1",
  port: num("HALLWAY_PORT", 8080),
  redis: {
    host: env.REDIS_HOST || "127.0.0.1",
    port: num("REDIS_PORT", 6379),
    db: num("REDIS_DB", 0),
    password: env.REDIS_PASSWORD || undefined,
  },
  pingInterval: num("HALLWAY_PING_INTERVAL", 5000),
  latencyInterval: num("HALLWAY_LATENCY_INTERVAL", 5000),
  maxMissedPongs: num("HALLWAY_MAX_MISSED_PONGS", 1),
  historyLength: num("HALLWAY_HISTORY", 200),
  token: env.HALLWAY_TOKEN || "",
  shutdownGraceMs: num("HALLWAY_SHUTDOWN_GRACE", 3000),
}
// The presence TTL is only refreshed by pongs, so it must outlive at least two ping periods
// (PROTOCOL.md §6.4); it is what makes a crashed instance's ghosts leave within seconds.
settings.presenceTtl = Math.max(num("HALLWAY_PRESENCE_TTL", settings.pingInterval * 2 + 2000), settings.pingInterval * 2 + 1000)

const MAX_TEXT = 4000
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/
const ROOM_NAME = /^[^\s\u0000-\u001f][^\u0000-\u001f]{0,79}$/

// One JSON line per event on stdout; the stack scripts send it to a log file.
function logEvent(event, fields = {}) {
  process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), event, ...fields }) + "\n")
}

class HttpError extends Error {
  constructor(code, message) { super(message); this.code = code }
}
class CommandError extends Error {
  constructor(code, message) { super(message); this.code = code; this.name = "HallwayError" }
}

function bearerToken(req, url) {
  const header = req.headers["authorization"] || ""
  const match = /^Bearer\s+(.+)$/i.exec(header)
  return match ? match[1].trim() : (url.searchParams.get("token") || "")
}

// Connection auth from the handshake URL: ?user=<id>&name=<display>[&avatar=<https url>].
// A real deployment verifies a signed token here (OIDC/JWT, a session cookie) and takes the
// user id from it instead of trusting the query string; HALLWAY_TOKEN is a shared-secret stand-in.
function authenticate(req) {
  const url = new URL(req.url, "ws://localhost")
  if (settings.token && bearerToken(req, url) !== settings.token) {
    logEvent("auth-refused", { reason: "bad token" })
    throw new HttpError(401, "Unauthorized: missing or wrong token")
  }
  const userId = (url.searchParams.get("user") || "").trim()
  if (!USER_ID.test(userId)) {
    logEvent("auth-refused", { reason: "missing or malformed user" })
    throw new HttpError(401, "Unauthorized: ?user=<id> is missing or malformed")
  }
  let username = (url.searchParams.get("name") || "").trim().slice(0, 64)
  if (!username) username = userId
  const metadata = { userId, username }
  const avatar = (url.searchParams.get("avatar") || "").trim()
  if (avatar) {
    try {
      const parsed = new URL(avatar)
      if (parsed.protocol === "https:" && avatar.length <= 2048) metadata.avatar = avatar
    } catch { /* not a URL: no avatar */ }
  }
  return metadata
}

const server = new RealtimeServer({
  redis: settings.redis,
  authenticateConnection: authenticate,
  pingInterval: settings.pingInterval,
  latencyInterval: settings.latencyInterval,
  maxMissedPongs: settings.maxMissedPongs,
  logLevel: env.HALLWAY_LOG_LEVEL || "error",
})

server.onError((err) => logEvent("error", { message: String(err?.message ?? err) }))
server.onConnection(async (connection) => {
  const meta = await server.getConnectionMetadata(connection.id).catch(() => null)
  logEvent("connect", { connectionId: connection.id, userId: meta?.userId ?? null })
})
server.onDisconnection((connection) => logEvent("disconnect", { connectionId: connection.id }))

// Every room tracks presence; rooms are created by joining them.
server.trackPresence(/.*/, { ttl: settings.presenceTtl })
server.exposeChannel(/^chat:/)

// A client may add to its metadata but never change who it is.
server.useMiddleware(async (ctx) => {
  if (ctx.command !== "rt/set-my-connection-metadata") return
  const current = (await ctx.getMetadata()) || {}
  const payload = ctx.payload || {}
  const next = payload.metadata
  if (next === null || typeof next !== "object" || Array.isArray(next)) {
    throw new CommandError("EBADMETA", "metadata must be an object")
  }
  if (next.userId !== undefined && next.userId !== current.userId) {
    throw new CommandError("EFORBIDDEN", "userId cannot be changed")
  }
  if (JSON.stringify(next).length > 8192) throw new CommandError("ETOOLARGE", "metadata is larger than 8 KiB")
  ctx.payload = { ...payload, metadata: { ...next, userId: current.userId } }
})

// chat:send {room, text, clientId?} -> {ok, id, ts}. clientId makes a retried send idempotent.
server.exposeCommand("chat:send", async (ctx) => {
  const { room, text, clientId } = ctx.payload || {}
  if (typeof room !== "string" || !ROOM_NAME.test(room)) throw new CommandError("EBADROOM", "room is missing or malformed")
  if (typeof text !== "string") throw new CommandError("EBADTEXT", "text must be a string")
  const trimmed = text.trim()
  if (!trimmed) throw new CommandError("EBADTEXT", "text is empty")
  if (trimmed.length > MAX_TEXT) throw new CommandError("ETOOLONG", `text is longer than ${MAX_TEXT} characters`)
  if (!(await server.isInRoom(room, ctx.connection))) throw new CommandError("ENOTINROOM", `not in room "${room}"`)

  const redis = server.redisManager.redis
  let nonceKey = null
  if (typeof clientId === "string" && clientId.length > 0 && clientId.length <= 64) {
    nonceKey = `hallway:chat:sent:${clientId}`
    const earlier = await redis.get(nonceKey)
    if (earlier) return { ok: true, duplicate: true, ...JSON.parse(earlier) }
  }
  const meta = (await ctx.getMetadata()) || {}
  const message = {
    id: randomUUID(),
    from: meta.userId ?? null,
    name: meta.username ?? meta.userId ?? null,
    connectionId: ctx.connection.id,
    text: trimmed,
    ts: Date.now(),
  }
  if (nonceKey) {
    message.clientId = clientId
    const fresh = await redis.set(nonceKey, JSON.stringify({ id: message.id, ts: message.ts }), "EX", 3600, "NX")
    if (fresh === null) return { ok: true, duplicate: true, ...JSON.parse(await redis.get(nonceKey)) }
  }
  await server.writeChannel(`chat:${room}`, message, settings.historyLength)
  logEvent("chat", { room, id: message.id, from: message.from, length: trimmed.length })
  return { ok: true, id: message.id, ts: message.ts }
})

// rooms:list -> {rooms: [{name, connections, users}]}, busiest first, for the room directory.
// Counts come from the presence set, so a crashed instance's ghosts drop out with the TTL.
server.exposeCommand("rooms:list", async () => {
  const redis = server.redisManager.redis
  const names = await server.getAllRooms()
  const rooms = []
  for (const name of names) {
    const ids = await redis.smembers(`rt:presence:room:${name}`)
    if (ids.length === 0) continue
    const metas = await redis.hmget("rt:connection-meta", ...ids)
    const users = new Set()
    for (const raw of metas) {
      try { const m = JSON.parse(raw); if (m?.userId) users.add(m.userId) } catch { /* no metadata */ }
    }
    rooms.push({ name, connections: ids.length, users: users.size })
  }
  rooms.sort((a, b) => b.users - a.users || a.name.localeCompare(b.name))
  return { rooms }
})

// A small HTTP endpoint beside the WebSocket for readiness checks.
const http = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ ok: true, instanceId: server.instanceId, connections: server.connectionCount }))
    return
  }
  res.writeHead(426, { "content-type": "text/plain" })
  res.end("Hallway realtime server: connect with a WebSocket\n")
})

await new Promise((resolve, reject) => {
  http.once("error", reject)
  http.listen(settings.port, settings.host, resolve)
})
await server.attach(http)
logEvent("listening", {
  url: `ws://${settings.host}:${http.address().port}`,
  instanceId: server.instanceId,
  redis: `${settings.redis.host}:${settings.redis.port}/${settings.redis.db}`,
  pingInterval: settings.pingInterval,
  presenceTtl: settings.presenceTtl,
  history: settings.historyLength,
})

// Graceful shutdown with a deadline: a client that reconnects into a closing server would
// otherwise make close() wait forever (PROTOCOL.md §7.1), and close() can also wait for
// socket close events that come late. So first take this instance's connections out of their
// rooms and presence (the leave events go out now, and nothing is left behind in Redis as a
// ghost if the deadline cuts close() short), then close.
const withDeadline = (promise, ms, label) =>
  Promise.race([promise.then(() => label, (e) => `error: ${e}`), new Promise((r) => setTimeout(r, ms, "timeout"))])
let closing = false
async function shutdown(signal) {
  if (closing) return
  closing = true
  logEvent("shutdown", { signal })
  const local = server.connectionManager.getLocalConnections()
  const cleaned = await withDeadline(
    Promise.all(local.map((c) => server.cleanupConnection(c))), settings.shutdownGraceMs / 2, "cleaned")
  const result = await withDeadline(server.close(), settings.shutdownGraceMs / 2, "closed")
  logEvent("stopped", { connections: local.length, cleanup: cleaned, result })
  http.close()
  process.exit(0)
}
process.on("SIGTERM", () => shutdown("SIGTERM"))
process.on("SIGINT", () => shutdown("SIGINT"))
