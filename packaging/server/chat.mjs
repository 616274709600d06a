// Room chat: chat:send {room, text, clientId?} -> {ok, id, ts} publishes on chat:<room> and keeps
// a bounded history there. Reading (subscribing to chat:<room>, its history) is for members only,
// checked in gate.mjs.
import { randomUUID } from "node:crypto"
import { CommandError, Codes } from "./errors.mjs"
import { checkRoomName } from "./rooms.mjs"

const NONCE_TTL_S = 3600

// The history is the list @prsm/realtime reads for rt/subscribe-channel and rt/get-channel-history
// (rt:history:<channel>, oldest first, docs/protocol.md §5.5). It is written here, in one atomic step,
// so that it is bounded by bytes as well as by count: append, keep the last N, then drop the
// oldest while the total is over the byte budget (the newest always stays).
// KEYS[1] the list; ARGV: message, max count, max bytes
const PUSH_HISTORY = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local total = 0
for i = 1, #items do total = total + #items[i] end
local drop = 0
while total > tonumber(ARGV[3]) and drop < #items - 1 do
  drop = drop + 1
  total = total - #items[drop]
end
if drop > 0 then redis.call('LTRIM', KEYS[1], drop, -1) end
return drop`

export function exposeChat(server, { caps, connectionOf, isMember, log }) {
  const redis = server.redisManager.redis
  redis.defineCommand("hallwayPushHistory", { numberOfKeys: 1, lua: PUSH_HISTORY })

  server.exposeCommand("chat:send", async (ctx) => {
    const conn = connectionOf(ctx.connection)
    const { room, text, clientId } = ctx.payload
    checkRoomName(room, caps.roomNameChars)
    if (typeof text !== "string") throw new CommandError(Codes.BadText, "text must be a string")
    const trimmed = text.trim()
    if (!trimmed) throw new CommandError(Codes.BadText, "text is empty")
    if (trimmed.length > caps.chatChars) {
      throw new CommandError(Codes.TooLong, `text is longer than ${caps.chatChars} characters`)
    }
    if (!isMember(conn, room)) throw new CommandError(Codes.NotMember, `not a member of room "${room}"`)

    const { userId, username } = conn.identity
    const message = { id: randomUUID(), from: userId, name: username, connectionId: ctx.connection.id, text: trimmed, ts: Date.now() }
    // clientId makes a retried send idempotent, per user: another user's clientId never collides.
    if (typeof clientId === "string" && clientId.length > 0 && clientId.length <= 64) {
      const nonceKey = `hallway:chat:sent:${encodeURIComponent(userId)}:${clientId}`
      const fresh = await redis.set(nonceKey, JSON.stringify({ id: message.id, ts: message.ts }), "EX", NONCE_TTL_S, "NX")
      if (fresh === null) {
        const earlier = await redis.get(nonceKey)
        if (earlier) return { ok: true, duplicate: true, ...JSON.parse(earlier) }
      }
      message.clientId = clientId
    }
    const channel = `chat:${room}`
    if (caps.historyCount > 0) {
      await redis.hallwayPushHistory(`rt:history:${channel}`, JSON.stringify(message), caps.historyCount, caps.historyBytes)
    }
    await server.writeChannel(channel, message, 0) // publish only: the history is written above
    log("chat", { room, id: message.id, from: userId, length: trimmed.length })
    return { ok: true, id: message.id, ts: message.ts }
  })
}
