#!/usr/bin/env node
// Prints a signed sign-in token (an HS256 JWT) for one person, for servers run with
// HALLWAY_AUTH_SECRET. The secret is read from that variable, never from the command line (where
// other users of the machine could see it in the process list).
//
//   HALLWAY_AUTH_SECRET=... node mint-token.mjs --user ada --name "Ada Lovelace" [--ttl 30d]
//                                               [--picture https://example.com/ada.png]
//
// The token carries sub (the user id), name, picture (https only), iat and exp, plus iss/aud when
// HALLWAY_AUTH_ISSUER / HALLWAY_AUTH_AUDIENCE are set (so it matches a server configured so).
import { parseArgs } from "node:util"
import { SignJWT } from "jose"

const USAGE = `usage: HALLWAY_AUTH_SECRET=... node mint-token.mjs --user ID --name "Display Name" [--ttl 30d] [--picture https://...]
  --ttl   how long the token is valid: a number with s, m, h or d (default 30d)`

function fail(message) {
  process.stderr.write(`mint-token: ${message}\n${USAGE}\n`)
  process.exit(2)
}

function parseTtl(text) {
  const match = /^(\d+)([smhd])$/.exec(text ?? "")
  if (!match || Number(match[1]) === 0) return null
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2]]
}

let args
try {
  ({ values: args } = parseArgs({
    options: {
      user: { type: "string" },
      name: { type: "string" },
      picture: { type: "string" },
      ttl: { type: "string", default: "30d" },
      help: { type: "boolean", short: "h" },
    },
  }))
} catch (e) {
  fail(e.message)
}
if (args.help) {
  process.stdout.write(USAGE + "\n")
  process.exit(0)
}
const secret = process.env.HALLWAY_AUTH_SECRET || ""
if (Buffer.byteLength(secret) < 32) fail("set HALLWAY_AUTH_SECRET (at least 32 bytes) to the server's secret")
if (!args.user || !/^[^\s\p{Cc}]{1,128}$/u.test(args.user)) fail("--user is required: 1-128 characters, no spaces")
const ttl = parseTtl(args.ttl)
if (!ttl) fail(`--ttl "${args.ttl}" is not like 45m, 12h or 30d`)
if (args.picture) {
  let ok = false
  try { ok = new URL(args.picture).protocol === "https:" } catch { /* not a URL */ }
  if (!ok) fail("--picture must be an https:// URL")
}

const claims = { name: args.name || args.user }
if (args.picture) claims.picture = args.picture
const now = Math.floor(Date.now() / 1000)
let jwt = new SignJWT(claims)
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject(args.user)
  .setIssuedAt(now)
  .setExpirationTime(now + ttl)
if (process.env.HALLWAY_AUTH_ISSUER) jwt = jwt.setIssuer(process.env.HALLWAY_AUTH_ISSUER)
if (process.env.HALLWAY_AUTH_AUDIENCE) jwt = jwt.setAudience(process.env.HALLWAY_AUTH_AUDIENCE)
process.stdout.write((await jwt.sign(new TextEncoder().encode(secret))) + "\n")
