#!/usr/bin/env node
// Fills a room with N members without N sockets: writes them into Redis exactly as
// @prsm/realtime 1.8.1 stores a connection that joined a presence-tracked room and published a
// state, so rt/join-room and rt/subscribe-presence answer with them (the frames a client gets
// are the server's own). The members belong to a made-up server instance whose heartbeat is
// set, so the server's dead-instance sweep (every 60 s) leaves them alone.
//
//   node tests/bench/fill-room.mjs --redis 127.0.0.1:PORT --room big --count 20000
//        [--users N (default 0.8 x count: the rest are second devices)] [--states N (default all)]
//        [--ttl SECONDS (default 3600)] [--seed 1]
//
// Per member (connection id C, a UUID like the server's; room R; instance I), from the
// package's ConnectionManager, RoomManager, PresenceManager and InstanceManager:
//   HSET rt:connections C I, SADD rt:connections:I C     connection registry (which instance)
//   HSET rt:connection-meta C {"userId","username"[,"avatar"]}   what server.mjs's auth sets
//   SADD rt:room:R C, SADD rt:connection:C:rooms R       room membership
//   SADD rt:presence:room:R C, SET rt:presence:room:R:conn:C "" EX ttl    presence
//   SET rt:presence:state:R:conn:C {"status":...}        state (no TTL, like a plain publish)
// and once: SADD rt:instances I, SET rt:instance:I:heartbeat <ms> EX ttl.
// The presence keys carry the same TTL as the heartbeat instead of being refreshed by pongs:
// members stay for `ttl` seconds, then expire as the server's own would (leave events).
// No join events are published: nobody is subscribed while the room is filled.
import { randomUUID } from "node:crypto"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"
import path from "node:path"
import { serverDir, parseArgs, now } from "./lib.mjs"

const require = createRequire(path.join(serverDir, "package.json"))
const { Redis } = require("ioredis") // the server's own Redis client, already installed

// About a third of the names carry non-ASCII letters (accents, Cyrillic, Greek, Vietnamese).
const FIRST = ["Anna", "José", "Zoë", "Łukasz", "Mei", "Ngọc Anh", "François", "Илья", "Νίκος", "Jürgen",
  "Dmitri", "Amara", "Kwame", "Priya", "Hiroshi", "Fatima", "Oliver", "Grace", "Mateus", "Aoife",
  "Chen", "Olumide", "Sven", "Daniel", "Yusuf", "Emma", "Camille", "Rahul", "Sarah", "Tom", "Lena", "Marcus"]
const LAST = ["Schmidt", "García", "Nguyễn", "Kowalski", "Müller", "O'Brien", "Andersson", "Tanaka",
  "Okafor", "Dubois", "Rossi", "Çelik", "Fernandez-Lopez", "Smith", "Novak", "Papadopoulos", "Ivanova",
  "Chowdhury", "van der Berg", "Li", "Mensah", "Brown", "Williams", "Johnson", "Kim", "Patel", "Walker",
  "Hughes", "Moreau", "Jensen"]
const TEAMS = ["", "", "", "", " (Design)", " (Platform)", " - on call", " [Sales]"]
const STATUSES = [["online", 0.7], ["away", 0.2], ["busy", 0.1]]

// Small seeded PRNG (mulberry32), so every run fills the same names.
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Display names of 10-30 characters, about a third with non-ASCII letters.
export function makeUser(i, rand) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)]
  let name = `${pick(FIRST)} ${pick(LAST)}${pick(TEAMS)}`
  while ([...name].length < 10) name += ` ${pick(LAST)}`
  name = [...name].slice(0, 30).join("").trim()
  const ascii = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z]+/g, ".").replace(/^\.+|\.+$/g, "").toLowerCase()
  const userId = `${ascii.slice(0, 40) || "user"}.${i}`
  const meta = { userId, username: name }
  if (rand() < 0.3) meta.avatar = `https://avatars.example.org/${userId}.png`
  return meta
}

export async function fillRoom({ redis, room, count, users = 0, states = -1, ttl = 3600, seed = 1 }) {
  if (!room || !(count > 0)) throw new Error("fill-room needs --room and --count > 0")
  users = users > 0 ? Math.min(users, count) : Math.max(1, Math.round(count * 0.8))
  states = states < 0 ? count : Math.min(states, count)
  const [host, port] = String(redis).replace(/^redis:\/\//, "").split(":")
  const r = new Redis({ host: host || "127.0.0.1", port: Number(port) || 6379, lazyConnect: true })
  await r.connect()
  const t0 = now()
  const instance = randomUUID()
  try {
    await r.pipeline().sadd("rt:instances", instance)
      .set(`rt:instance:${instance}:heartbeat`, Date.now().toString(), "EX", ttl).exec()
    const rand = rng(seed)
    const people = Array.from({ length: users }, (_, i) => JSON.stringify(makeUser(i, rand)))
    const statusOf = () => { let x = rand(); for (const [s, p] of STATUSES) if ((x -= p) < 0) return s; return "online" }
    const BATCH = 1000
    for (let base = 0; base < count; base += BATCH) {
      const p = r.pipeline()
      for (let i = base; i < Math.min(count, base + BATCH); i++) {
        const id = randomUUID()
        p.hset("rt:connections", id, instance).sadd(`rt:connections:${instance}`, id)
        p.hset("rt:connection-meta", id, people[i % users])
        p.sadd(`rt:room:${room}`, id).sadd(`rt:connection:${id}:rooms`, room)
        p.sadd(`rt:presence:room:${room}`, id).set(`rt:presence:room:${room}:conn:${id}`, "", "EX", ttl)
        if (i < states) p.set(`rt:presence:state:${room}:conn:${id}`, JSON.stringify({ status: statusOf() }))
      }
      const res = await p.exec()
      const err = res.find(([e]) => e)
      if (err) throw err[0]
    }
    const size = await r.scard(`rt:room:${room}`)
    return { op: "filled", room, count, users, states, size, instance, ttl, ms: Math.round(now() - t0) }
  } finally {
    r.disconnect()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2), { redis: "127.0.0.1:6379", room: "", count: 0, users: 0, states: -1, ttl: 3600, seed: 1 })
  try {
    process.stdout.write(JSON.stringify(await fillRoom(args)) + "\n")
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e.message ?? e) }) + "\n")
    process.exit(1)
  }
}
