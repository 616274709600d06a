// Identity is pinned: userId, display name and avatar come from sign-in and cannot
// be changed through rt/set-my-connection-metadata, whatever the strategy; other keys can.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { RawClient, SECRET, isError, mint, startRedis, startServer, tokenUrl } from "./helpers.mjs"

let redis, server
before(async () => {
  redis = await startRedis()
  server = await startServer(redis, { HALLWAY_AUTH_SECRET: SECRET })
})
after(async () => {
  await server?.stop()
  await redis?.stop()
})

const signIn = async (sub, name, picture) => RawClient.connect(tokenUrl(server, await mint({ sub, name, picture })))
const setMeta = (c, metadata, strategy) => c.command("rt/set-my-connection-metadata", strategy ? { metadata, options: { strategy } } : { metadata })

test("Mallory cannot take Bob's display name, and her chat still arrives as Mallory", async () => {
  const bob = await signIn("bob", "Bob")
  const mallory = await signIn("mallory", "Mallory")
  for (const c of [bob, mallory]) assert.equal((await c.command("rt/join-room", { roomName: "lobby" })).success, true)
  assert.equal((await bob.command("rt/subscribe-channel", { channel: "chat:lobby" })).success, true)

  // The exact request from the report, then each identity key alone, with every strategy.
  const attempts = [
    [{ userId: "mallory", username: "Bob" }],
    [{ username: "Bob" }, "merge"],
    [{ username: "Bob" }, "deepMerge"],
    [{ userId: "bob" }, "merge"],
    [{ avatar: "https://example.com/bob.png" }],
    [{ username: null }, "merge"],
  ]
  for (const [metadata, strategy] of attempts) {
    const reply = await setMeta(mallory, metadata, strategy)
    assert.ok(isError(reply, "EFORBIDDEN"), `${JSON.stringify(metadata)} ${strategy ?? "replace"}: ${JSON.stringify(reply)}`)
  }
  const seen = await bob.command("rt/get-connection-metadata", { connectionId: mallory.id })
  assert.deepEqual(seen.metadata, { userId: "mallory", username: "Mallory" })

  const sent = await mallory.command("chat:send", { room: "lobby", text: "hi, it's Bob" })
  assert.equal(sent.ok, true)
  await bob.waitFor((f) => f.command === "rt/subscription-message" && f.payload.channel === "chat:lobby")
  const [message] = bob.channelMessages("chat:lobby")
  assert.equal(message.from, "mallory")
  assert.equal(message.name, "Mallory")
  await Promise.all([bob.close(), mallory.close()])
})

test("other keys can be set (e.g. a device label) and identity stays, even under replace", async () => {
  const ada = await signIn("ada", "Ada Lovelace", "https://example.com/ada.png")
  assert.equal((await setMeta(ada, { device: "laptop" })).success, true)
  assert.deepEqual((await ada.command("rt/get-my-connection-metadata")).metadata,
    { device: "laptop", userId: "ada", username: "Ada Lovelace", avatar: "https://example.com/ada.png" })
  // Repeating the identity unchanged is fine; merge and deepMerge keep earlier keys.
  assert.equal((await setMeta(ada, { userId: "ada", username: "Ada Lovelace", mood: { today: "sunny" } }, "merge")).success, true)
  assert.equal((await setMeta(ada, { mood: { later: "cloudy" } }, "deepMerge")).success, true)
  assert.deepEqual((await ada.command("rt/get-my-connection-metadata")).metadata, {
    device: "laptop", mood: { today: "sunny", later: "cloudy" },
    userId: "ada", username: "Ada Lovelace", avatar: "https://example.com/ada.png",
  })
  // Not an object, or an unknown strategy: refused with EBADMETA.
  assert.ok(isError(await setMeta(ada, "Bob"), "EBADMETA"))
  assert.ok(isError(await setMeta(ada, { device: "x" }, "overwrite"), "EBADMETA"))
  await ada.close()
})
