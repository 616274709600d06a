// The per-user connection cap, across every instance that shares the Redis. Each open connection
// holds a lease: a member of the sorted set hallway:user:conns:<user> scored with its expiry time.
// The instance renews its leases while the sockets live and drops one when its socket closes; a
// crashed instance's leases simply run out (after the presence TTL), so they never pin a user.
import { randomUUID } from "node:crypto"

// Atomically: forget expired leases, then take one if fewer than the cap are held.
// KEYS[1] the user's set; ARGV: now (ms), expiry of the new lease (ms), cap, lease id, key TTL (ms)
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`

export class ConnectionLeases {
  constructor(redis, { max, ttlMs, onError }) {
    this.redis = redis
    this.max = max
    this.ttlMs = ttlMs
    this.onError = onError
    this.local = new Map() // lease id -> user id
    if (max > 0) {
      redis.defineCommand("hallwayAcquireLease", { numberOfKeys: 1, lua: ACQUIRE })
      this.timer = setInterval(() => this.renew(), Math.max(250, Math.floor(ttlMs / 3)))
      this.timer.unref()
    }
  }

  static key(userId) {
    return `hallway:user:conns:${encodeURIComponent(userId)}`
  }

  // A lease id, or null when the user already holds `max` connections. With no cap: a dummy id.
  async acquire(userId) {
    const id = randomUUID()
    if (this.max <= 0) return id
    const now = Date.now()
    const ok = await this.redis.hallwayAcquireLease(ConnectionLeases.key(userId), now, now + this.ttlMs,
      this.max, id, this.ttlMs * 2)
    if (ok !== 1) return null
    this.local.set(id, userId)
    return id
  }

  release(id) {
    const userId = this.local.get(id)
    if (userId === undefined) return
    this.local.delete(id)
    this.redis.zrem(ConnectionLeases.key(userId), id).catch((e) => this.onError?.(e))
  }

  // Pushes every live lease's expiry forward (and puts back any that Redis lost, e.g. on a restart).
  renew() {
    if (this.local.size === 0) return
    const expiry = Date.now() + this.ttlMs
    const pipeline = this.redis.pipeline()
    const keys = new Set()
    for (const [id, userId] of this.local) {
      const key = ConnectionLeases.key(userId)
      pipeline.zadd(key, expiry, id)
      keys.add(key)
    }
    for (const key of keys) pipeline.pexpire(key, this.ttlMs * 2)
    pipeline.exec().catch((e) => this.onError?.(e))
  }

  stop() {
    clearInterval(this.timer)
  }
}
