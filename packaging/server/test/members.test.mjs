// Room chat is for members. A socket that has not joined <room> can neither
// subscribe to chat:<room> (with or without historyLimit) nor read its history, nor send to it;
// a pipelined join + subscribe (what Hallway's Session sends) works; leaving ends the subscription.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { RawClient, devUrl, isError, sleep, startRedis, startServer } from "./helpers.mjs"

let redis, server, alice, eve
before(async () => {
  redis = await startRedis()
  server = await startServer(redis, { HALLWAY_DEV_AUTH: "1" })
  alice = await RawClient.connect(devUrl(server, "alice", "Alice"))
  eve = await RawClient.connect(devUrl(server, "eve", "Eve"))
  await alice.command("rt/join-room", { roomName: "lobby" })
  for (let i = 1; i <= 3; i++) assert.equal((await alice.command("chat:send", { room: "lobby", text: `secret ${i}` })).ok, true)
})
after(async () => {
  await Promise.all([alice?.close(), eve?.close()])
  await server?.stop()
  await redis?.stop()
})

test("a non-member cannot subscribe to chat:lobby, read its history, or send to it", async () => {
  const sub = await eve.command("rt/subscribe-channel", { channel: "chat:lobby", historyLimit: 200 })
  assert.ok(isError(sub, "ENOTMEMBER"), JSON.stringify(sub))
  assert.ok(!JSON.stringify(sub).includes("secret"))
  const history = await eve.command("rt/get-channel-history", { channel: "chat:lobby", limit: 200 })
  assert.ok(isError(history, "ENOTMEMBER"), JSON.stringify(history))
  assert.ok(isError(await eve.command("chat:send", { room: "lobby", text: "hello?" }), "ENOTMEMBER"))
  // And nothing live reaches her either.
  await alice.command("chat:send", { room: "lobby", text: "secret 4" })
  await sleep(300)
  assert.deepEqual(eve.channelMessages("chat:lobby"), [])
})

test("join and subscribe sent back to back (pipelined) give the member the history", async () => {
  const bob = await RawClient.connect(devUrl(server, "bob", "Bob"))
  const joinId = bob.send("rt/join-room", { roomName: "lobby" })
  const subId = bob.send("rt/subscribe-channel", { channel: "chat:lobby", historyLimit: 200 })
  const [join, sub] = await Promise.all([joinId, subId].map((id) => bob.waitFor((f) => f.id === id)))
  assert.equal(join.payload.success, true)
  assert.equal(sub.payload.success, true, JSON.stringify(sub.payload))
  assert.deepEqual(sub.payload.history.map((m) => JSON.parse(m).text).slice(0, 3), ["secret 1", "secret 2", "secret 3"])
  await bob.close()
})

test("leaving the room ends its chat subscription; history is closed again", async () => {
  const carol = await RawClient.connect(devUrl(server, "carol", "Carol"))
  await carol.command("rt/join-room", { roomName: "lobby" })
  assert.equal((await carol.command("rt/subscribe-channel", { channel: "chat:lobby" })).success, true)
  await alice.command("chat:send", { room: "lobby", text: "while carol is here" })
  await carol.waitFor((f) => f.command === "rt/subscription-message" && f.payload.channel === "chat:lobby")
  assert.equal((await carol.command("rt/leave-room", { roomName: "lobby" })).success, true)
  await alice.command("chat:send", { room: "lobby", text: "after carol left" })
  await sleep(300)
  assert.deepEqual(carol.channelMessages("chat:lobby").map((m) => m.text), ["while carol is here"])
  assert.ok(isError(await carol.command("rt/get-channel-history", { channel: "chat:lobby" }), "ENOTMEMBER"))
  await carol.close()
})
