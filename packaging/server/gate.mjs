// The gate: one global middleware that every command passes before its handler. It charges the
// rate limits, applies the caps and the room-name rule, keeps each socket's room membership, keeps
// chat for members, and pins identity in connection metadata. A refusal is a thrown CommandError,
// which reaches the client as {error, code, name}.
//
// It is deliberately synchronous up to the membership bookkeeping: @prsm/realtime calls the first
// middleware synchronously when a frame arrives, so a join is recorded before a pipelined
// rt/subscribe-channel for the same room (sent right behind it, as Hallway's Session does) is
// looked at.
import { CommandError, Codes } from "./errors.mjs"
import { charge } from "./limits.mjs"
import { checkRoomName } from "./rooms.mjs"

const IDENTITY_KEYS = ["userId", "username", "avatar"]
const STRATEGIES = new Set(["replace", "merge", "deepMerge"])
// Commands that cost more than one command token: rooms:list reads across rooms.
const WEIGHT = { "rooms:list": 10 }

export const isMember = (conn, room) => conn.rooms.has(room)

export function chatRoomOf(channel) {
  return typeof channel === "string" && channel.startsWith("chat:") ? channel.slice(5) : null
}

export function createGate({ server, registry, caps, directory }) {
  const roomOf = (payload) => checkRoomName(payload.roomName, caps.roomNameChars)
  const byteSize = (value) => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8")

  return function gate(ctx) {
    const conn = registry.of(ctx.connection)
    if (conn.closing) throw new CommandError(conn.closing.code, conn.closing.message)
    const cmd = ctx.command
    // Every command costs command tokens, refused or not; some also cost one of their own kind.
    charge(conn, [["commands", WEIGHT[cmd] ?? 1]])
    // Built-in handlers crash on a missing payload (docs/protocol.md §12); anything but an object is refused.
    if (ctx.payload === undefined || ctx.payload === null) ctx.payload = {}
    const p = ctx.payload
    if (typeof p !== "object" || Array.isArray(p)) throw new CommandError(Codes.BadPayload, "payload must be a JSON object")

    switch (cmd) {
      case "rt/join-room":
      case "rooms:enter": {
        const room = roomOf(p)
        charge(conn, [["joins", 1]])
        if (!conn.rooms.has(room) && conn.rooms.size >= caps.roomsPerConnection) {
          throw new CommandError(Codes.TooManyRooms, `a connection can be in at most ${caps.roomsPerConnection} rooms`)
        }
        conn.rooms.add(room)
        directory.touch(room)
        return
      }
      case "rt/leave-room":
        if (typeof p.roomName === "string" && conn.rooms.delete(p.roomName)) return dropChat(ctx.connection, p.roomName)
        return
      case "rt/subscribe-presence": {
        const room = roomOf(p)
        if (!conn.presence.has(room) && conn.presence.size >= caps.roomsPerConnection) {
          throw new CommandError(Codes.TooManyRooms, `a connection can watch at most ${caps.roomsPerConnection} rooms`)
        }
        conn.presence.add(room)
        return
      }
      case "rt/unsubscribe-presence":
        if (typeof p.roomName === "string") conn.presence.delete(p.roomName)
        return
      case "rt/publish-presence-state": {
        roomOf(p)
        const size = byteSize(p.state)
        if (size > caps.stateBytes) {
          throw new CommandError(Codes.TooLarge, `a presence state is at most ${caps.stateBytes} bytes of JSON (this one is ${size})`)
        }
        charge(conn, [["states", 1]])
        return
      }
      case "rt/clear-presence-state":
        roomOf(p)
        charge(conn, [["states", 1]])
        return
      case "rt/get-presence-state":
      case "rt/get-room-metadata":
        roomOf(p)
        return
      case "rt/subscribe-channel":
      case "rt/get-channel-history": {
        const room = chatRoomOf(p.channel)
        if (room !== null && !isMember(conn, room)) {
          throw new CommandError(Codes.NotMember, `only members of room "${room}" can read its chat`)
        }
        return
      }
      case "chat:send":
        charge(conn, [["chat", 1]])
        return
      case "rt/set-my-connection-metadata":
        return pinIdentity(ctx, conn)
    }
  }

  // The metadata a client may set is everything but who it is: userId, username and avatar come
  // from sign-in. Repeating them unchanged is fine; any other value is EFORBIDDEN. The result of
  // the requested strategy is computed here, capped in bytes, and stored as a replace.
  async function pinIdentity(ctx, conn) {
    const { metadata: next, options } = ctx.payload
    if (!isPlainObject(next)) throw new CommandError(Codes.BadMeta, "metadata must be an object")
    const strategy = options?.strategy ?? "replace"
    if (!STRATEGIES.has(strategy)) throw new CommandError(Codes.BadMeta, `unknown strategy "${strategy}"`)
    for (const key of IDENTITY_KEYS) {
      if (key in next && next[key] !== conn.identity[key]) {
        throw new CommandError(Codes.Forbidden, `${key} comes from sign-in and cannot be changed`)
      }
    }
    const current = strategy === "replace" ? {} : ((await ctx.getMetadata()) ?? {})
    const merged = strategy === "replace" ? next : strategy === "merge" ? { ...current, ...next } : deepMerge(current, next)
    const final = { ...merged }
    for (const key of IDENTITY_KEYS) {
      if (conn.identity[key] === undefined) delete final[key]
      else final[key] = conn.identity[key]
    }
    const size = byteSize(final)
    if (size > caps.metadataBytes) {
      throw new CommandError(Codes.TooLarge, `metadata is at most ${caps.metadataBytes} bytes of JSON (this would be ${size})`)
    }
    ctx.payload = { metadata: final, options: { strategy: "replace" } }
  }

  // Leaving a room ends its chat subscription too, so a former member stops hearing the room.
  async function dropChat(connection, room) {
    const channel = `chat:${room}`
    const channels = server.channelManager
    if (!channels.getSubscribers(channel)?.has(connection)) return
    await channels.removeSubscription(channel, connection)
    if (!channels.getSubscribers(channel)) await channels.unsubscribeFromRedisChannel(channel)
  }
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v)
}

// Same meaning as @prsm/realtime's deepMerge strategy (objects merge key by key, anything else replaces).
function deepMerge(target, source) {
  if (!isPlainObject(target) || !isPlainObject(source)) return source
  const out = { ...target }
  for (const [key, value] of Object.entries(source)) {
    out[key] = isPlainObject(value) && isPlainObject(target[key]) ? deepMerge(target[key], value) : value
  }
  return out
}
