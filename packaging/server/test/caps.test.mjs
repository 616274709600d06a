// Caps at the server, each refused with a clear code: client frames (ws maxPayload,
// close 1009), presence state bytes, room names (length and characters), chat text, history in
// bytes as well as count, rooms:list, rooms per connection, metadata, and the idempotency nonce
// per user. The state and frame caps are settings: a server set for it relays a 2 MB state.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { RawClient, devUrl, isError, startRedis, startServer } from "./helpers.mjs"

let redis, server
const KIB = 1024
before(async () => {
  redis = await startRedis()
  server = await startServer(redis, { HALLWAY_DEV_AUTH: "1" })
})
after(async () => {
  await server?.stop()
  await redis?.stop()
})

const as = (srv, user) => RawClient.connect(devUrl(srv, user, user.toUpperCase()))

test("client frames: 20 MiB closes the socket with 1009; a frame under the 256 KiB default is served", async () => {
  const c = await as(server, "frank")
  const padded = JSON.stringify({ id: 1, command: "rt/noop", payload: { pad: "x".repeat(200 * KIB) } })
  c.sendRaw(padded)
  assert.equal((await c.waitFor((f) => f.id === 1)).payload, true)
  c.sendRaw(JSON.stringify({ id: 2, command: "rt/noop", payload: { pad: "x".repeat(20 * KIB * KIB) } }))
  const { code } = await c.closed
  assert.equal(code, 1009)
  // The server is still there for everyone else.
  const other = await as(server, "grace")
  assert.equal(await other.command("rt/noop"), true)
  await other.close()
})

test("presence state: over 16 KiB of JSON is ETOOLARGE and never stored or relayed", async () => {
  const pat = await as(server, "pat")
  const watcher = await as(server, "walt")
  for (const c of [pat, watcher]) await c.command("rt/join-room", { roomName: "states" })
  await watcher.command("rt/subscribe-presence", { roomName: "states" })
  const big = await pat.command("rt/publish-presence-state", { roomName: "states", state: { bio: "x".repeat(20 * KIB) } })
  assert.ok(isError(big, "ETOOLARGE"), JSON.stringify(big).slice(0, 200))
  assert.equal(await pat.command("rt/publish-presence-state", { roomName: "states", state: { status: "away", bio: "x".repeat(15 * KIB) } }), true)
  const got = await watcher.waitFor((f) => f.command === "rt/presence-update" && f.payload.type === "state")
  assert.equal(got.payload.state.status, "away")
  const states = (await watcher.command("rt/get-presence-state", { roomName: "states" })).states
  assert.equal(states[pat.id].status, "away")
  // 1 MiB does not even fit in a frame.
  pat.send("rt/publish-presence-state", { roomName: "states", state: { bio: "x".repeat(KIB * KIB) } })
  assert.equal((await pat.closed).code, 1009)
  await watcher.close()
})

test("room names: at most 64 characters of letters, digits, inner spaces and - _ . : # @ +, else EBADROOM", async () => {
  const c = await as(server, "rita")
  const long = "r".repeat(10000)
  assert.ok(isError(await c.command("rt/join-room", { roomName: long }), "EBADROOM"))
  assert.ok(isError(await c.command("chat:send", { room: long, text: "hi" }), "EBADROOM"))
  assert.ok(isError(await c.command("rt/publish-presence-state", { roomName: long, state: { s: 1 } }), "EBADROOM"))
  for (const bad of ["", " lobby", "lobby ", "a/b", "glob*", "new\nline", "quote\"d", "r".repeat(65), 42, null]) {
    assert.ok(isError(await c.command("rt/join-room", { roomName: bad }), "EBADROOM"), JSON.stringify(bad))
  }
  for (const good of ["lobby", "faults:crash", "Café Ünïcode", "team #1", "日本語の部屋", "a.b-c_d@e+f", "r".repeat(64)]) {
    assert.equal((await c.command("rt/join-room", { roomName: good })).success, true, good)
  }
  await c.close()
})

test("chat text: over 4000 characters is ETOOLONG, empty is EBADTEXT", async () => {
  const c = await as(server, "tess")
  await c.command("rt/join-room", { roomName: "texts" })
  assert.ok(isError(await c.command("chat:send", { room: "texts", text: "x".repeat(4001) }), "ETOOLONG"))
  assert.ok(isError(await c.command("chat:send", { room: "texts", text: "   " }), "EBADTEXT"))
  assert.equal((await c.command("chat:send", { room: "texts", text: "x".repeat(4000) })).ok, true)
  await c.close()
})

test("history is bounded in count and in bytes; the newest message always stays", async () => {
  const small = await startServer(redis, {
    HALLWAY_DEV_AUTH: "1", HALLWAY_HISTORY: "10", HALLWAY_MAX_CHAT_CHARS: "1000", HALLWAY_MAX_HISTORY_BYTES: "5000",
  })
  try {
    const c = await as(small, "hugo")
    await c.command("rt/join-room", { roomName: "hist" })
    for (let i = 1; i <= 12; i++) assert.equal((await c.command("chat:send", { room: "hist", text: `m${i}` })).ok, true)
    let history = (await c.command("rt/get-channel-history", { channel: "chat:hist", limit: 100 })).history
    assert.deepEqual(history.map((m) => JSON.parse(m).text), ["m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12"])
    for (let i = 1; i <= 5; i++) await c.command("chat:send", { room: "hist", text: `${i}`.repeat(1000) })
    history = (await c.command("rt/get-channel-history", { channel: "chat:hist", limit: 100 })).history
    const bytes = history.reduce((n, m) => n + Buffer.byteLength(m), 0)
    assert.ok(bytes <= 5000, `history holds ${bytes} bytes`)
    assert.equal(JSON.parse(history.at(-1)).text, "5".repeat(1000))
    assert.ok(history.length < 10)
    await c.close()
  } finally {
    await small.stop()
  }
})

test("rooms:list returns at most HALLWAY_ROOMS_LIST_MAX rooms that have people, busiest first", async () => {
  const listing = await startServer(redis, { HALLWAY_DEV_AUTH: "1", HALLWAY_ROOMS_LIST_MAX: "3" })
  try {
    const people = await Promise.all(["p1", "p2", "p3", "p4"].map((u) => as(listing, u)))
    const occupancy = { "list-a": 1, "list-b": 4, "list-c": 2, "list-d": 3, "list-e": 1 }
    for (const [room, n] of Object.entries(occupancy)) {
      for (let i = 0; i < n; i++) await people[i].command("rt/join-room", { roomName: room })
    }
    await people[0].command("rt/join-room", { roomName: "list-gone" })
    await people[0].command("rt/leave-room", { roomName: "list-gone" })
    const { rooms } = await people[0].command("rooms:list")
    assert.deepEqual(rooms, [
      { name: "list-b", connections: 4, users: 4 },
      { name: "list-d", connections: 3, users: 3 },
      { name: "list-c", connections: 2, users: 2 },
    ])
    await Promise.all(people.map((p) => p.close()))
  } finally {
    await listing.stop()
  }
})

test("a connection can be in at most HALLWAY_MAX_ROOMS_PER_CONNECTION rooms (ETOOMANYROOMS)", async () => {
  const capped = await startServer(redis, { HALLWAY_DEV_AUTH: "1", HALLWAY_MAX_ROOMS_PER_CONNECTION: "3" })
  try {
    const c = await as(capped, "rosa")
    for (const r of ["r1", "r2", "r3"]) assert.equal((await c.command("rt/join-room", { roomName: r })).success, true)
    assert.ok(isError(await c.command("rt/join-room", { roomName: "r4" }), "ETOOMANYROOMS"))
    assert.ok(isError(await c.command("rooms:enter", { roomName: "r4" }), "ETOOMANYROOMS"), "rooms:enter counts the same")
    assert.equal((await c.command("rt/join-room", { roomName: "r2" })).success, true, "re-joining is not a new room")
    await c.command("rt/leave-room", { roomName: "r1" })
    assert.equal((await c.command("rt/join-room", { roomName: "r4" })).success, true)
    await c.close()
  } finally {
    await capped.stop()
  }
})

test("connection metadata: over 8 KiB is ETOOLARGE, also when merges would grow it there", async () => {
  const c = await as(server, "mia")
  assert.ok(isError(await c.command("rt/set-my-connection-metadata", { metadata: { bio: "x".repeat(9 * KIB) } }), "ETOOLARGE"))
  for (const key of ["a", "b", "c"]) {
    const r = await c.command("rt/set-my-connection-metadata", { metadata: { [key]: "x".repeat(3 * KIB) }, options: { strategy: "merge" } })
    if (key === "c") assert.ok(isError(r, "ETOOLARGE"), JSON.stringify(r))
    else assert.equal(r.success, true)
  }
  await c.close()
})

test("the idempotency nonce is per user: the same clientId from two users is two messages", async () => {
  const alice = await as(server, "alice")
  const bob = await as(server, "bob")
  for (const c of [alice, bob]) await c.command("rt/join-room", { roomName: "nonce" })
  const a = await alice.command("chat:send", { room: "nonce", text: "from alice", clientId: "c-1" })
  const b = await bob.command("chat:send", { room: "nonce", text: "from bob", clientId: "c-1" })
  assert.equal(a.ok, true)
  assert.equal(b.ok, true)
  assert.ok(!b.duplicate, "bob's message is not taken for alice's")
  assert.notEqual(a.id, b.id)
  const retry = await alice.command("chat:send", { room: "nonce", text: "from alice", clientId: "c-1" })
  assert.deepEqual({ duplicate: retry.duplicate, id: retry.id }, { duplicate: true, id: a.id })
  const history = (await bob.command("rt/get-channel-history", { channel: "chat:nonce" })).history.map((m) => JSON.parse(m))
  assert.deepEqual(history.map((m) => [m.from, m.text]), [["alice", "from alice"], ["bob", "from bob"]])
  await Promise.all([alice.close(), bob.close()])
})

test("the state and frame caps are settings: a server set for it relays a 2 MB presence state", async () => {
  const roomy = await startServer(redis, {
    HALLWAY_DEV_AUTH: "1", HALLWAY_MAX_STATE_BYTES: String(3 * KIB * KIB), HALLWAY_MAX_FRAME_BYTES: String(8 * KIB * KIB),
  })
  try {
    const sender = await as(roomy, "big")
    const watcher = await as(roomy, "watch")
    for (const c of [sender, watcher]) await c.command("rt/join-room", { roomName: "huge" })
    await watcher.command("rt/subscribe-presence", { roomName: "huge" })
    const blob = "y".repeat(2 * 1000 * 1000)
    assert.equal(await sender.command("rt/publish-presence-state", { roomName: "huge", state: { blob } }, 15000), true)
    const got = await watcher.waitFor((f) => f.command === "rt/presence-update" && f.payload.type === "state", 15000)
    assert.equal(got.payload.state.blob.length, blob.length)
    await Promise.all([sender.close(), watcher.close()])
  } finally {
    await roomy.stop()
  }
})

test("rooms:enter joins like rt/join-room (same checks) and answers with the presence set only", async () => {
  const ann = await as(server, "ann")
  const ben = await as(server, "ben")
  await ann.command("rt/join-room", { roomName: "enter" })
  await ann.command("rt/subscribe-presence", { roomName: "enter" })
  const reply = await ben.command("rooms:enter", { roomName: "enter" })
  assert.equal(reply.success, true, JSON.stringify(reply))
  assert.deepEqual([...reply.present].sort(), [ann.id, ben.id].sort())
  assert.ok(!JSON.stringify(reply).includes("BEN"), "no metadata in the reply")
  // The others see the join, and ben is a member: he may read the room's chat.
  const join = await ann.waitFor((f) => f.command === "rt/presence-update" && f.payload.type === "join")
  assert.equal(join.payload.connectionId, ben.id)
  assert.equal((await ben.command("rt/subscribe-channel", { channel: "chat:enter" })).success, true)
  // The gate's rules for joining apply: room names, and rooms per connection.
  assert.ok(isError(await ben.command("rooms:enter", { roomName: "a/b" }), "EBADROOM"))
  assert.ok(isError(await ben.command("rooms:enter", {}), "EBADROOM"))
  await Promise.all([ann.close(), ben.close()])
})
