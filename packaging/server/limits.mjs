// Rate limits: token buckets per connection and per user, kept in this instance's memory (a check
// costs no Redis round trip, so it can run before every command). A user's connections on other
// instances have their own per-user buckets there; the per-user connection cap (leases.mjs) is
// what bounds a user across instances.
import { performance } from "node:perf_hooks"
import { CommandError, Codes } from "./errors.mjs"

export class TokenBucket {
  constructor({ perSecond, burst }) {
    this.perSecond = perSecond
    this.burst = burst
    this.tokens = burst
    this.at = performance.now()
  }
  refill(now) {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
  }
  // ms until `cost` tokens are there (0: now)
  waitFor(cost) {
    return this.tokens >= cost ? 0 : ((cost - this.tokens) / this.perSecond) * 1000
  }
}

const WHAT = {
  frames: "frames",
  commands: "commands",
  states: "presence state updates",
  chat: "chat messages",
  joins: "room joins",
}

export function rateLimitError({ bucket, kind, scope, waitMs }) {
  const per = scope === "user" ? "per user" : "per connection"
  return new CommandError(Codes.RateLimit,
    `too many ${WHAT[kind]}: at most ${bucket.perSecond} per second ${per} (bursts of ${bucket.burst}); ` +
    `try again in ${(Math.ceil(waitMs / 100) / 10).toFixed(1)} s`)
}

// Buckets for one scope (a connection or a user), made on first use from the configured rates.
export class BucketSet {
  constructor(rates, scope) {
    this.rates = rates
    this.scope = scope
    this.buckets = {}
  }
  entry(kind) {
    const rate = this.rates[kind]
    if (!rate) return null
    this.buckets[kind] ??= new TokenBucket(rate)
    return { bucket: this.buckets[kind], kind, scope: this.scope }
  }
}

// Per-user bucket sets, shared by that user's connections on this instance and dropped with the
// last of them.
export class UserBuckets {
  constructor(rates) {
    this.rates = rates
    this.users = new Map()
  }
  acquire(userId) {
    let u = this.users.get(userId)
    if (!u) this.users.set(userId, (u = { refs: 0, buckets: new BucketSet(this.rates, "user") }))
    u.refs++
    return u.buckets
  }
  release(userId) {
    const u = this.users.get(userId)
    if (u && --u.refs <= 0) this.users.delete(userId)
  }
}

// Charges a command to a connection and its user: `charges` is [[kind, cost], ...], e.g.
// [["commands", 1], ["chat", 1]]. Throws ERATELIMIT (and takes nothing) when any bucket is short.
export function charge(conn, charges) {
  const now = performance.now()
  let refusal = null
  const taken = []
  for (const [kind, cost] of charges) {
    for (const set of [conn.buckets, conn.userBuckets]) {
      const e = set.entry(kind)
      if (!e) continue
      e.bucket.refill(now)
      const waitMs = e.bucket.waitFor(cost)
      if (waitMs > 0 && (!refusal || waitMs > refusal.waitMs)) refusal = { ...e, waitMs }
      taken.push([e.bucket, cost])
    }
  }
  if (refusal) throw rateLimitError(refusal)
  for (const [bucket, cost] of taken) bucket.tokens -= cost
}
