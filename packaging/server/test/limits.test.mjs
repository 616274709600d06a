// Rate limits per connection and per user (token buckets) for commands, state
// publishes, chat sends and joins; over the limit the command gets ERATELIMIT and the connection
// and server carry on; a frame flood closes that socket (1008); a cap on connections per user,
// across instances (HTTP 429). HALLWAY_RATE_LIMITS=off turns the buckets off (benchmarks).
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { RawClient, devUrl, isError, refusal, sleep, startRedis, startServer } from "./helpers.mjs"

let redis
before(async () => { redis = await startRedis() })
after(async () => { await redis?.stop() })

const as = (srv, user) => RawClient.connect(devUrl(srv, user, user.toUpperCase()))

// Sends `n` commands back to back (no waiting between them) and returns the replies in order,
// with the time the burst took (a slow machine refills a few tokens meanwhile).
async function burst(client, n, command, payload) {
  const started = Date.now()
  const ids = Array.from({ length: n }, (_, i) => client.send(command, typeof payload === "function" ? payload(i) : payload))
  const replies = await Promise.all(ids.map((id) => client.waitFor((f) => f.id === id, 20000).then((f) => f.payload)))
  replies.elapsedMs = Date.now() - started
  return replies
}
// Exactly `burst` accepted, plus whatever the bucket refilled while the burst was under way; the
// rest refused with ERATELIMIT (nothing else).
function assertLimited(replies, accepted, { burst, perSecond }) {
  const ok = replies.filter(accepted).length
  const refused = replies.filter((r) => isError(r, "ERATELIMIT")).length
  const refill = Math.ceil((replies.elapsedMs / 1000) * perSecond)
  assert.ok(ok >= burst && ok <= burst + refill, `${ok} accepted, expected ${burst} (+${refill} refilled)`)
  assert.equal(ok + refused, replies.length)
  return ok
}

async function withServer(env, fn) {
  const server = await startServer(redis, { HALLWAY_DEV_AUTH: "1", ...env })
  try {
    await fn(server)
    assert.ok(server.alive(), "the server is still running")
  } finally {
    await server.stop()
  }
}

test("commands: past the burst ERATELIMIT with a retry hint; the connection stays and recovers", () =>
  withServer({ HALLWAY_RATE_COMMANDS: "5:10" }, async (server) => {
    const c = await as(server, "cal")
    const replies = await burst(c, 30, "rt/noop")
    assertLimited(replies, (r) => r === true, { burst: 10, perSecond: 5 })
    const refusal = replies.find((r) => isError(r, "ERATELIMIT"))
    assert.match(refusal.error, /too many commands: at most 5 per second per connection \(bursts of 10\); try again in \d+\.\d s/)
    await sleep(500)
    assert.equal(await c.command("rt/noop"), true)
    await c.close()
  }))

test("presence state publishes are limited on their own bucket", () =>
  withServer({ HALLWAY_RATE_STATES: "2:5" }, async (server) => {
    const c = await as(server, "sam")
    await c.command("rt/join-room", { roomName: "busy" })
    const replies = await burst(c, 12, "rt/publish-presence-state", (i) => ({ roomName: "busy", state: { n: i } }))
    assertLimited(replies, (r) => r === true, { burst: 5, perSecond: 2 })
    assert.equal(await c.command("rt/noop"), true, "other commands still pass")
    await c.close()
  }))

test("chat sends are limited", () =>
  withServer({ HALLWAY_RATE_CHAT: "1:3" }, async (server) => {
    const c = await as(server, "chad")
    await c.command("rt/join-room", { roomName: "chatty" })
    const replies = await burst(c, 8, "chat:send", (i) => ({ room: "chatty", text: `m${i}` }))
    const ok = assertLimited(replies, (r) => r.ok === true, { burst: 3, perSecond: 1 })
    const history = (await c.command("rt/get-channel-history", { channel: "chat:chatty" })).history
    assert.equal(history.length, ok, "refused messages were not stored")
    await c.close()
  }))

test("joins are limited", () =>
  withServer({ HALLWAY_RATE_JOINS: "1:3" }, async (server) => {
    const c = await as(server, "jo")
    const replies = await burst(c, 8, "rt/join-room", (i) => ({ roomName: `j${i}` }))
    assertLimited(replies, (r) => r.success === true, { burst: 3, perSecond: 1 })
    await c.close()
  }))

test("per user: a user's connections share a bucket; another user is not affected", () =>
  withServer({ HALLWAY_RATE_CHAT: "1:3", HALLWAY_USER_RATE_CHAT: "1:4" }, async (server) => {
    const phone = await as(server, "uma")
    const laptop = await as(server, "uma")
    const other = await as(server, "otto")
    for (const c of [phone, laptop, other]) await c.command("rt/join-room", { roomName: "shared" })
    const fromPhone = await burst(phone, 3, "chat:send", (i) => ({ room: "shared", text: `p${i}` }))
    const fromLaptop = await burst(laptop, 3, "chat:send", (i) => ({ room: "shared", text: `l${i}` }))
    const all = Object.assign([...fromPhone, ...fromLaptop], { elapsedMs: fromPhone.elapsedMs + fromLaptop.elapsedMs })
    assertLimited(all, (r) => r.ok === true, { burst: 4, perSecond: 1 })
    assert.match(all.find((r) => isError(r, "ERATELIMIT")).error, /per user/)
    const others = await burst(other, 3, "chat:send", (i) => ({ room: "shared", text: `o${i}` }))
    assert.ok(others.every((r) => r.ok === true), "otto has his own buckets")
    await Promise.all([phone, laptop, other].map((c) => c.close()))
  }))

test("a frame flood (junk and pongs included) closes that socket with 1008; others carry on", () =>
  withServer({ HALLWAY_RATE_FRAMES: "20:40" }, async (server) => {
    const flooder = await as(server, "flo")
    const bystander = await as(server, "bea")
    for (let i = 0; i < 200; i++) flooder.sendRaw(i % 2 ? "junk" : JSON.stringify({ command: "pong", payload: {} }))
    const { code, reason } = await flooder.closed
    assert.equal(code, 1008)
    assert.match(reason, /ERATELIMIT/)
    assert.equal(await bystander.command("rt/noop"), true)
    await bystander.close()
  }))

test("connections per user are capped across instances (HTTP 429) and a closed one frees its slot", async () => {
  const env = { HALLWAY_DEV_AUTH: "1", HALLWAY_MAX_CONNECTIONS_PER_USER: "3" }
  const [a, b] = await Promise.all([startServer(redis, env), startServer(redis, env)])
  try {
    const held = [await as(a, "ivy"), await as(a, "ivy"), await as(b, "ivy")]
    for (const srv of [a, b]) {
      const r = await refusal(devUrl(srv, "ivy", "Ivy"))
      assert.equal(r.status, 429)
      assert.match(r.body, /Too many connections/)
    }
    const someoneElse = await as(b, "jack")
    await held[0].close()
    let again = null
    for (let i = 0; i < 50 && !again; i++) {
      again = await as(b, "ivy").catch(() => null)
      if (!again) await sleep(100)
    }
    assert.ok(again, "a slot frees once a connection closes")
    await Promise.all([...held.slice(1), again, someoneElse].map((c) => c.close()))
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
})

test("the default limits let a client in the most rooms allowed (50) resync all of them at once", () =>
  withServer({}, async (server) => {
    const c = await as(server, "rex")
    const sends = []
    for (let i = 0; i < 50; i++) {
      const roomName = `resync-${i}`
      sends.push(["rt/join-room", { roomName }], ["rt/subscribe-presence", { roomName }],
        ["rt/subscribe-channel", { channel: `chat:${roomName}`, historyLimit: 200 }],
        ["rt/publish-presence-state", { roomName, state: { status: "online" } }],
        ["rt/get-presence-state", { roomName }])
    }
    const ids = sends.map(([command, payload]) => c.send(command, payload))
    const replies = await Promise.all(ids.map((id) => c.waitFor((f) => f.id === id, 20000).then((f) => f.payload)))
    assert.deepEqual(replies.filter((r) => r?.error), [])
    await c.close()
  }))

test("HALLWAY_RATE_LIMITS=off lets a benchmark publish as fast as it likes", () =>
  withServer({ HALLWAY_RATE_LIMITS: "off" }, async (server) => {
    const c = await as(server, "bench")
    await c.command("rt/join-room", { roomName: "bench" })
    const replies = await burst(c, 800, "rt/publish-presence-state", (i) => ({ roomName: "bench", state: { seq: i } }))
    assert.equal(replies.filter((r) => r === true).length, 800)
    await c.close()
  }))
