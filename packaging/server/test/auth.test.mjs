// Sign-in: production sign-in with signed tokens (HS256 secret, or an identity
// provider's RS256 / EdDSA public key), identity from the claims alone, exp required and enforced
// (also on a live socket), mint-token.mjs; development sign-in only with HALLWAY_DEV_AUTH=1, and
// no sign-in at all refuses to start.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import { generateKeyPairSync } from "node:crypto"
import { mkdtempSync, writeFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import {
  RawClient, SECRET, devUrl, mint, refusal, serverDir, startRedis, startServer,
  startServerExpectingRefusal, tokenUrl,
} from "./helpers.mjs"

let redis, prod, dev, both, keyed
const keyDir = mkdtempSync(path.join(tmpdir(), "hallway-keys-"))
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
const ed = generateKeyPairSync("ed25519")
const rsaPem = path.join(keyDir, "rsa.pem")
const edPem = path.join(keyDir, "ed.pem")
writeFileSync(rsaPem, rsa.publicKey.export({ type: "spki", format: "pem" }))
writeFileSync(edPem, ed.publicKey.export({ type: "spki", format: "pem" }))

before(async () => {
  redis = await startRedis()
  ;[prod, dev, both, keyed] = await Promise.all([
    startServer(redis, { HALLWAY_AUTH_SECRET: SECRET }),
    startServer(redis, { HALLWAY_DEV_AUTH: "1" }),
    startServer(redis, { HALLWAY_AUTH_SECRET: SECRET, HALLWAY_DEV_AUTH: "1" }),
    startServer(redis, { HALLWAY_AUTH_PUBLIC_KEY: rsaPem, HALLWAY_AUTH_ISSUER: "https://idp.example", HALLWAY_AUTH_AUDIENCE: "hallway" }),
  ])
})
after(async () => {
  await Promise.all([prod, dev, both, keyed].map((s) => s?.stop()))
  await redis?.stop()
  rmSync(keyDir, { recursive: true, force: true })
})

const myMetadata = async (client) => (await client.command("rt/get-my-connection-metadata")).metadata

test("a signed token is the identity: sub, name and an https picture, from a Bearer header or ?token=", async () => {
  const token = await mint({ sub: "ada", name: "Ada Lovelace", picture: "https://example.com/ada.png" })
  const viaHeader = await RawClient.connect(prod.url, { headers: { Authorization: `Bearer ${token}` } })
  assert.deepEqual(await myMetadata(viaHeader), { userId: "ada", username: "Ada Lovelace", avatar: "https://example.com/ada.png" })
  const viaQuery = await RawClient.connect(tokenUrl(prod, token))
  assert.equal((await myMetadata(viaQuery)).userId, "ada")
  // A picture that is not https is dropped; a missing name falls back to the user id.
  const plain = await mint({ sub: "grace", picture: "http://example.com/g.png" })
  const c = await RawClient.connect(tokenUrl(prod, plain))
  assert.deepEqual(await myMetadata(c), { userId: "grace", username: "grace" })
  await Promise.all([viaHeader.close(), viaQuery.close(), c.close()])
})

test("anyone cannot be anyone: ?user=&name= means nothing in production, and nothing beside a token", async () => {
  const r = await refusal(devUrl(prod, "bob", "Bob"))
  assert.equal(r.status, 401)
  assert.match(r.body, /token is required/)
  // Mallory holds her own valid token and also claims to be Bob in the query: she is Mallory.
  const token = await mint({ sub: "mallory", name: "Mallory" })
  for (const server of [prod, both]) {
    const c = await RawClient.connect(tokenUrl(server, token, { user: "bob", name: "Bob" }))
    assert.deepEqual(await myMetadata(c), { userId: "mallory", username: "Mallory" })
    await c.close()
  }
})

test("expired, wrongly signed, unsigned, exp-less and malformed tokens are refused with 401", async () => {
  const now = Math.floor(Date.now() / 1000)
  const cases = {
    expired: [await mint({ sub: "ada", exp: now - 3600 }), /expired/],
    "other secret": [await mint({ sub: "ada", secret: "another-secret-that-is-long-enough-000000" }), /signature/],
    "no exp": [await mint({ sub: "ada", omitExp: true }), /"exp" claim is missing/],
    "no sub": [await mint({ name: "Nobody" }), /"sub" claim is missing/],
    "alg none": [`${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "ada", exp: now + 3600 })}.`, /algorithm|malformed/],
    "tampered payload": [await tamper(await mint({ sub: "ada" }), { sub: "root" }), /signature/],
    garbage: ["not.a.token", /malformed/],
  }
  for (const [what, [token, reason]] of Object.entries(cases)) {
    for (const server of [prod, both]) { // with dev sign-in on too, a bad token never falls back to ?user=
      const r = await refusal(tokenUrl(server, token, { user: "ada" }))
      assert.equal(r.status, 401, what)
      assert.match(r.body, reason, what)
      assert.ok(!r.body.includes(token.slice(0, 20)), "the token is never echoed")
    }
    const viaHeader = await refusal(prod.url, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(viaHeader.status, 401, what)
  }
})

test("a live socket is closed when its token expires (4001), and the reconnect is refused", async () => {
  const exp = Math.floor(Date.now() / 1000) + 2
  const short = await startServer(redis, { HALLWAY_AUTH_SECRET: SECRET, HALLWAY_AUTH_CLOCK_SKEW: "0" })
  try {
    const token = await mint({ sub: "ada", exp })
    const c = await RawClient.connect(tokenUrl(short, token))
    const { code, reason } = await c.closed
    assert.equal(code, 4001)
    assert.match(reason, /expired/)
    assert.ok(Date.now() >= exp * 1000 - 50, "not closed before exp")
    assert.equal((await refusal(tokenUrl(short, token))).status, 401)
  } finally {
    await short.stop()
  }
})

test("an identity provider's public key: RS256 and EdDSA tokens, with issuer and audience checked", async () => {
  const claims = { iss: "https://idp.example", aud: "hallway" }
  const good = await mint({ sub: "auth0|ada", name: "Ada", alg: "RS256", key: rsa.privateKey, claims })
  const c = await RawClient.connect(keyed.url, { headers: { Authorization: `Bearer ${good}` } })
  assert.deepEqual(await myMetadata(c), { userId: "auth0|ada", username: "Ada" })
  await c.close()

  const edServer = await startServer(redis, { HALLWAY_AUTH_PUBLIC_KEY: edPem })
  try {
    const edToken = await mint({ sub: "linus", alg: "EdDSA", key: ed.privateKey })
    const e = await RawClient.connect(tokenUrl(edServer, edToken))
    assert.equal((await myMetadata(e)).userId, "linus")
    await e.close()
  } finally {
    await edServer.stop()
  }

  const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
  const refused = {
    "another key": await mint({ sub: "ada", alg: "RS256", key: otherKey, claims }),
    "wrong issuer": await mint({ sub: "ada", alg: "RS256", key: rsa.privateKey, claims: { ...claims, iss: "https://evil.example" } }),
    "wrong audience": await mint({ sub: "ada", alg: "RS256", key: rsa.privateKey, claims: { ...claims, aud: "other" } }),
    // Algorithm confusion: HS256 with the public key's PEM as the HMAC secret.
    "public key as HMAC secret": await mint({ sub: "ada", secret: rsa.publicKey.export({ type: "spki", format: "pem" }), claims }),
  }
  for (const [what, token] of Object.entries(refused)) {
    assert.equal((await refusal(tokenUrl(keyed, token))).status, 401, what)
  }
})

test("development sign-in works only with HALLWAY_DEV_AUTH=1", async () => {
  const c = await RawClient.connect(devUrl(dev, "bob", "Bob", { avatar: "https://example.com/b.png" }))
  assert.deepEqual(await myMetadata(c), { userId: "bob", username: "Bob", avatar: "https://example.com/b.png" })
  await c.close()
  assert.equal((await refusal(devUrl(dev, "bad user!"))).status, 401)
  assert.equal((await refusal(devUrl(prod, "bob", "Bob"))).status, 401)
  // A dev-only server accepts no tokens at all.
  assert.equal((await refusal(tokenUrl(dev, await mint({ sub: "ada" })))).status, 401)
})

test("with no sign-in configured (or the retired shared HALLWAY_TOKEN) the server refuses to start and says why", async () => {
  const none = await startServerExpectingRefusal(redis, {})
  assert.notEqual(none.code, 0)
  assert.match(none.stderr, /no sign-in is configured.*HALLWAY_AUTH_SECRET.*HALLWAY_DEV_AUTH=1/s)
  const legacy = await startServerExpectingRefusal(redis, { HALLWAY_TOKEN: "shared", HALLWAY_DEV_AUTH: "1" })
  assert.notEqual(legacy.code, 0)
  assert.match(legacy.stderr, /HALLWAY_TOKEN/)
  const weak = await startServerExpectingRefusal(redis, { HALLWAY_AUTH_SECRET: "short" })
  assert.match(weak.stderr, /at least 32 bytes/)
  const badKey = await startServerExpectingRefusal(redis, { HALLWAY_AUTH_PUBLIC_KEY: path.join(keyDir, "missing.pem") })
  assert.match(badKey.stderr, /HALLWAY_AUTH_PUBLIC_KEY/)
})

test("mint-token.mjs prints a token the server accepts, with the ttl asked for", async () => {
  const run = promisify(execFile)
  const env = { PATH: process.env.PATH, HALLWAY_AUTH_SECRET: SECRET }
  const { stdout } = await run(process.execPath, ["mint-token.mjs", "--user", "ada", "--name", "Ada Lovelace", "--ttl", "2h"], { cwd: serverDir, env })
  const token = stdout.trim()
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url"))
  assert.equal(claims.sub, "ada")
  assert.equal(claims.name, "Ada Lovelace")
  assert.ok(Math.abs(claims.exp - claims.iat - 7200) <= 1)
  const c = await RawClient.connect(tokenUrl(prod, token))
  assert.deepEqual(await myMetadata(c), { userId: "ada", username: "Ada Lovelace" })
  await c.close()
  await assert.rejects(run(process.execPath, ["mint-token.mjs", "--user", "ada"], { cwd: serverDir, env: { PATH: process.env.PATH } }),
    /HALLWAY_AUTH_SECRET/)
  await assert.rejects(run(process.execPath, ["mint-token.mjs", "--user", "ada", "--ttl", "soon"], { cwd: serverDir, env }), /--ttl/)
})

function b64(obj) {
  return Buffer.from(JSON.stringify(obj)).toString("base64url")
}
async function tamper(token, changes) {
  const [h, p, s] = token.split(".")
  return [h, b64({ ...JSON.parse(Buffer.from(p, "base64url")), ...changes }), s].join(".")
}
