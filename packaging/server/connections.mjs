// What the server knows about each of its sockets: the identity it signed in with (pinned for the
// socket's life), the rooms it joined, its rate-limit buckets and its connection lease.
//
// @prsm/realtime hands the handshake request to authenticateConnection and, later, a Connection
// (whose .socket is the ws WebSocket) to commands; it never shows both together. The ws server's
// own "connection" event does (socket, request), so that is where the two meet (see wsserver.mjs).
import { performance } from "node:perf_hooks"
import { HttpError, CommandError, Codes } from "./errors.mjs"
import { BucketSet, TokenBucket, UserBuckets } from "./limits.mjs"

const MAX_TIMER_MS = 2 ** 31 - 1

export class ConnectionRegistry {
  constructor({ rates, leases, clockSkewMs, log }) {
    this.rates = rates
    this.leases = leases
    this.clockSkewMs = clockSkewMs
    this.log = log
    this.pending = new WeakMap() // handshake request -> {identity, leaseId}
    this.bySocket = new WeakMap() // ws WebSocket -> connection state
    this.userBuckets = new UserBuckets(rates.user)
  }

  // During the handshake: take a connection lease for the user, or refuse with HTTP 429.
  async admit(req, identity) {
    const leaseId = await this.leases.acquire(identity.userId)
    if (leaseId === null) {
      throw new HttpError(429, `Too many connections: ${identity.userId} already has ${this.leases.max} open`)
    }
    // The lease lives as long as the TCP socket, whether or not the upgrade completes.
    req.socket.once("close", () => this.leases.release(leaseId))
    this.pending.set(req, { identity, leaseId })
  }

  // When ws has upgraded the request: the socket gets its state, frame limiter and expiry timer.
  attach(ws, req) {
    const admitted = this.pending.get(req)
    this.pending.delete(req)
    if (!admitted) {
      ws.close(1011, "EAUTH: no sign-in for this socket")
      return
    }
    const { identity } = admitted
    const conn = {
      identity,
      rooms: new Set(),          // joined (accepted by the gate), in the order commands arrived
      presence: new Set(),       // rooms whose presence this socket subscribed to
      buckets: new BucketSet(this.rates.connection, "connection"),
      userBuckets: this.userBuckets.acquire(identity.userId),
      closing: null,             // {code, message} once the server is closing this socket
      expiryTimer: null,
    }
    this.bySocket.set(ws, conn)

    const frameRate = this.rates.connection.frames
    if (frameRate) {
      // Every frame counts, pongs and junk included (they cost work too). Past the bucket the
      // socket is closed with 1008: a client that floods is not going to read error replies.
      const frames = new TokenBucket(frameRate)
      ws.on("message", () => {
        if (conn.closing) return
        frames.refill(performance.now())
        if (frames.tokens >= 1) {
          frames.tokens -= 1
          return
        }
        conn.closing = { code: Codes.RateLimit, message: "this connection sent too many frames and is being closed" }
        this.log("rate-limit-close", { userId: identity.userId, frames: frameRate })
        ws.close(1008, `ERATELIMIT: more than ${frameRate.perSecond} frames per second`)
        setTimeout(() => ws.terminate(), 1000).unref()
      })
    }
    if (identity.expiresAt) this.closeAtExpiry(ws, conn)
    ws.once("close", () => {
      clearTimeout(conn.expiryTimer)
      this.userBuckets.release(identity.userId)
    })
  }

  // A signed-in socket does not outlive its token: at exp (plus the allowed clock skew) it is
  // closed with 4001; the client's reconnect then meets the handshake's 401.
  closeAtExpiry(ws, conn) {
    const left = conn.identity.expiresAt + this.clockSkewMs - Date.now()
    if (left > MAX_TIMER_MS) {
      conn.expiryTimer = setTimeout(() => this.closeAtExpiry(ws, conn), MAX_TIMER_MS)
    } else {
      conn.expiryTimer = setTimeout(() => {
        conn.closing = { code: Codes.NoIdentity, message: "the token has expired" }
        this.log("token-expired", { userId: conn.identity.userId })
        ws.close(4001, "EAUTH: the token has expired")
        setTimeout(() => ws.terminate(), 1000).unref()
      }, Math.max(0, left))
    }
    conn.expiryTimer.unref()
  }

  // The state of a command's connection (ctx.connection).
  of(connection) {
    const conn = this.bySocket.get(connection?.socket)
    if (!conn) throw new CommandError(Codes.NoIdentity, "this socket has no sign-in")
    return conn
  }

  peek(connection) {
    return this.bySocket.get(connection?.socket) ?? null
  }
}
