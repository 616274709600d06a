// Rooms: the name rule, and the room directory behind rooms:list.
import { CommandError, Codes } from "./errors.mjs"

// A room name is 1..HALLWAY_MAX_ROOM_NAME characters: letters, digits and combining marks of any
// script, the punctuation - _ . : # @ +, and spaces between words (not first or last). Nothing else:
// no control characters, quotes, slashes or Redis glob characters (* ? [ ]).
const ROOM_CHARS = /^[\p{L}\p{N}\p{M}_\-.:#@+](?:[\p{L}\p{N}\p{M}_\-.:#@+ ]*[\p{L}\p{N}\p{M}_\-.:#@+])?$/u

export function roomNameProblem(name, maxChars) {
  if (typeof name !== "string" || name.length === 0) return "a room name is required"
  if ([...name].length > maxChars) return `a room name has at most ${maxChars} characters`
  if (!ROOM_CHARS.test(name)) {
    return "a room name may only use letters, digits, spaces between words and - _ . : # @ +"
  }
  return null
}

export function checkRoomName(name, maxChars) {
  const problem = roomNameProblem(name, maxChars)
  if (problem) throw new CommandError(Codes.BadRoom, problem)
  return name
}

// The directory: a sorted set of room names scored by when they were last seen in use (a join, or
// a listing that found people there). rooms:list looks at the most recent `scan` of them with
// one pipelined round trip, returns the `listed` busiest, and prunes rooms that have stayed
// empty, so both the work and the answer stay bounded however many rooms were ever made.
const INDEX = "hallway:rooms"
const EMPTY_GRACE_MS = 60_000

export class RoomDirectory {
  constructor(redis, { scan, listed, onError }) {
    this.redis = redis
    this.scan = scan
    this.listed = listed
    this.onError = onError
  }

  touch(room) {
    this.redis.zadd(INDEX, Date.now(), room).catch((e) => this.onError?.(e))
  }

  // -> {rooms: [{name, connections, users}]}, most people first
  async list() {
    const redis = this.redis
    const recent = await redis.zrevrange(INDEX, 0, this.scan - 1, "WITHSCORES")
    const candidates = []
    for (let i = 0; i < recent.length; i += 2) candidates.push({ name: recent[i], seen: Number(recent[i + 1]) })
    if (candidates.length === 0) return { rooms: [] }

    const counted = await execOrThrow(redis.pipeline(candidates.map((c) => ["scard", `rt:presence:room:${c.name}`])))
    const now = Date.now()
    const live = []
    const upkeep = redis.pipeline()
    candidates.forEach((c, i) => {
      const connections = Number(counted[i]) || 0
      if (connections > 0) {
        live.push({ name: c.name, connections })
        upkeep.zadd(INDEX, now, c.name)
      } else if (now - c.seen > EMPTY_GRACE_MS) {
        upkeep.zrem(INDEX, c.name)
      }
    })
    // Keep the index itself bounded too (rooms only join it at a rate-limited join).
    upkeep.zremrangebyrank(INDEX, 0, -(this.scan * 10 + 1))
    upkeep.exec().catch((e) => this.onError?.(e))

    live.sort((a, b) => b.connections - a.connections || a.name.localeCompare(b.name))
    const top = live.slice(0, this.listed)
    // People, not connections: one SMEMBERS per listed room and one HMGET of their metadata.
    const members = await execOrThrow(redis.pipeline(top.map((r) => ["smembers", `rt:presence:room:${r.name}`])))
    const ids = [...new Set(members.flat())]
    const metas = ids.length ? await redis.hmget("rt:connection-meta", ...ids) : []
    const userOf = new Map()
    ids.forEach((id, i) => {
      try {
        const m = JSON.parse(metas[i])
        if (m?.userId) userOf.set(id, m.userId)
      } catch { /* no metadata: not counted as a person */ }
    })
    const rooms = top.map((r, i) => ({
      name: r.name,
      connections: r.connections,
      users: new Set(members[i].map((id) => userOf.get(id)).filter(Boolean)).size,
    }))
    rooms.sort((a, b) => b.users - a.users || b.connections - a.connections || a.name.localeCompare(b.name))
    return { rooms }
  }
}

async function execOrThrow(pipeline) {
  const results = await pipeline.exec()
  return results.map(([err, value]) => {
    if (err) throw err
    return value
  })
}
