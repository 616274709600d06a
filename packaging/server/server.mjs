// Hallway's deployment of the real @prsm/realtime server. Everything here is configuration:
// sign-in, which rooms track presence, the chat channels, two custom commands, and the caps and
// rate limits that keep one client from hurting the others. Settings come from the environment
// (settings.mjs; README.md, "Server settings"). Each concern has its own small module:
//   auth.mjs         who is connecting (signed tokens, or ?user= in development)
//   connections.mjs  per-socket state: pinned identity, joined rooms, buckets, lease, token expiry
//   leases.mjs       the per-user connection cap across instances
//   gate.mjs         the middleware every command passes: limits, caps, membership, identity pin
//   limits.mjs       token buckets
//   rooms.mjs        the room-name rule and rooms:list
//   chat.mjs         chat:send and its bounded history
//   wsserver.mjs     the ws frame cap and the socket/request meeting point
import { createServer } from "node:http"
import { RealtimeServer } from "@prsm/realtime"
import { loadSettings, SettingsError } from "./settings.mjs"
import { createAuthenticator } from "./auth.mjs"
import { HttpError } from "./errors.mjs"
import { ConnectionLeases } from "./leases.mjs"
import { ConnectionRegistry } from "./connections.mjs"
import { createGate, isMember, chatRoomOf } from "./gate.mjs"
import { RoomDirectory } from "./rooms.mjs"
import { exposeChat } from "./chat.mjs"
import { hookSocketServer } from "./wsserver.mjs"

// One JSON line per event on stdout; the stack scripts send it to a log file.
function logEvent(event, fields = {}) {
  process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), event, ...fields }) + "\n")
}

let settings
try {
  settings = loadSettings(process.env)
} catch (e) {
  if (!(e instanceof SettingsError)) throw e
  process.stderr.write(`hallway-server: refusing to start: ${e.message}\n`)
  logEvent("fatal", { message: e.message })
  process.exit(1)
}
const { caps } = settings

const identify = createAuthenticator(settings.auth)
let ready = false

const server = new RealtimeServer({
  redis: settings.redis,
  authenticateConnection: async (req) => {
    if (!ready) throw new HttpError(503, "Service Unavailable: starting")
    let identity
    try {
      identity = await identify(req)
    } catch (e) {
      logEvent("auth-refused", { reason: e.message })
      throw e
    }
    try {
      await registry.admit(req, identity)
    } catch (e) {
      if (e instanceof HttpError) throw e
      // Redis unreachable: a retryable 503, not a handshake with a Redis error code as its status.
      logEvent("error", { message: `connection lease: ${e?.message ?? e}` })
      throw new HttpError(503, "Service Unavailable: try again shortly")
    }
    // The connection's metadata, as every member of its rooms sees it.
    const { userId, username, avatar } = identity
    return avatar ? { userId, username, avatar } : { userId, username }
  },
  pingInterval: settings.pingInterval,
  latencyInterval: settings.latencyInterval,
  maxMissedPongs: settings.maxMissedPongs,
  logLevel: settings.logLevel,
})
const redis = server.redisManager.redis
const onRedisError = (e) => logEvent("error", { message: String(e?.message ?? e) })

const leases = new ConnectionLeases(redis, {
  max: caps.connectionsPerUser,
  ttlMs: Math.max(settings.presenceTtl, 5000),
  onError: onRedisError,
})
const registry = new ConnectionRegistry({
  rates: settings.rates,
  leases,
  clockSkewMs: settings.auth.clockSkewSeconds * 1000,
  log: logEvent,
})
const directory = new RoomDirectory(redis, { scan: caps.roomsScanned, listed: caps.roomsListed, onError: onRedisError })

server.onError((err) => logEvent("error", { message: String(err?.message ?? err) }))
server.onConnection((connection) => {
  const conn = registry.peek(connection)
  logEvent("connect", { connectionId: connection.id, userId: conn?.identity.userId ?? null, via: conn?.identity.via ?? null })
})
server.onDisconnection((connection) => logEvent("disconnect", { connectionId: connection.id }))

// Every room tracks presence; rooms are created by joining them.
server.trackPresence(/.*/, { ttl: settings.presenceTtl })
// Chat channels are readable by the room's members only. The gate refuses others with a clear
// ENOTMEMBER first; this guard is the same rule for any path that checks exposure.
server.exposeChannel(/^chat:/, (connection, channel) => {
  const conn = registry.peek(connection)
  return conn !== null && isMember(conn, chatRoomOf(channel))
})
server.useMiddleware(createGate({ server, registry, caps, directory }))

exposeChat(server, { caps, connectionOf: (c) => registry.of(c), isMember, log: logEvent })

// rooms:list -> {rooms: [{name, connections, users}]}, most people first, at most
// HALLWAY_ROOMS_LIST_MAX rooms that have someone present (rooms.mjs).
server.exposeCommand("rooms:list", () => directory.list())

// rooms:enter {roomName} -> {success, present: [connection ids]}: rt/join-room without the member
// list in its reply. That list (every member with metadata: 3 MB at 20,000 members, read one
// HGET at a time) comes again in rt/subscribe-presence's reply, which a presence client asks
// for anyway; what it lacks is the presence set, which leaves out connections of a crashed
// instance that the room still lists. The gate treats it exactly as rt/join-room.
server.exposeCommand("rooms:enter", async (ctx) => {
  const { roomName } = ctx.payload
  await server.addToRoom(roomName, ctx.connection)
  return { success: true, present: await server.presenceManager.getPresentConnections(roomName) }
})

// A small HTTP endpoint beside the WebSocket for readiness checks.
const http = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json" })
    res.end(JSON.stringify({ ok: ready, instanceId: server.instanceId, connections: server.connectionCount }))
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
hookSocketServer(server, { maxPayload: caps.frameBytes, onSocket: (ws, req) => registry.attach(ws, req) })
ready = true
const signIn = [settings.auth.secret && "hs256", settings.auth.publicKey && "public-key", settings.auth.dev && "dev"].filter(Boolean)
logEvent("listening", {
  url: `ws://${settings.host}:${http.address().port}`,
  instanceId: server.instanceId,
  redis: `${settings.redis.host}:${settings.redis.port}/${settings.redis.db}`,
  signIn,
  pingInterval: settings.pingInterval,
  presenceTtl: settings.presenceTtl,
  history: caps.historyCount,
  rateLimits: settings.rates.enabled,
})
if (settings.auth.dev) {
  logEvent("warning", { message: "HALLWAY_DEV_AUTH=1: ?user=&name= is believed, so anyone can be anyone. Never in production." })
}

// Graceful shutdown with a deadline: a client that reconnects into a closing server would
// otherwise make close() wait forever (docs/protocol.md §7.1), and close() can also wait for
// socket close events that come late. So first take this instance's connections out of their
// rooms and presence (the leave events go out now, and nothing is left behind in Redis as a
// ghost if the deadline cuts close() short), then close. The sockets are told at once (1001,
// going away) rather than when close() gets round to each: until then a client would sit on a
// connection that is in no room and gets no events, instead of reconnecting to another instance
// (the soak test measured seconds of that with 1,000 connections).
const withDeadline = (promise, ms, label) =>
  Promise.race([promise.then(() => label, (e) => `error: ${e}`), new Promise((r) => setTimeout(r, ms, "timeout"))])
let closing = false
async function shutdown(signal) {
  if (closing) return
  closing = true
  ready = false
  logEvent("shutdown", { signal })
  leases.stop()
  const local = server.connectionManager.getLocalConnections()
  const t0 = Date.now()
  const cleaned = await withDeadline(
    Promise.all(local.map((c) => server.cleanupConnection(c))), settings.shutdownGraceMs / 2, "cleaned")
  const t1 = Date.now()
  for (const c of local) {
    try { c.socket?.close(1001, "server shutting down") } catch {}
  }
  const result = await withDeadline(server.close(), settings.shutdownGraceMs / 2, "closed")
  logEvent("stopped", { connections: local.length, cleanup: cleaned, result, cleanupMs: t1 - t0, closeMs: Date.now() - t1 })
  http.close()
  process.exit(0)
}
process.on("SIGTERM", () => shutdown("SIGTERM"))
process.on("SIGINT", () => shutdown("SIGINT"))
