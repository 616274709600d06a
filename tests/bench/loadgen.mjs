#!/usr/bin/env node
// Load generator for the Hallway benchmarks: holds many real WebSocket connections made with the
// official @prsm/realtime client (RealtimeClient; each answers the server's JSON pings), joins
// them to rooms WITHOUT subscribing to presence (so the server fans events out only to the client
// under test), and on command makes members publish presence states as fast as they can.
//
//   node tests/bench/loadgen.mjs --url ws://127.0.0.1:PORT/ [--room big --count 5000 --users 4000]
//                                [--control-file FILE] [--concurrency 100]
//
// Control: one JSON command per line on stdin, or POST the same JSON to the HTTP control URL
// (printed as {"event":"control","url":...} and written to --control-file). Replies are JSON.
//   {"op":"hold","room":"big","count":5000,"users":4000}    connect `count` more clients, join room
//   {"op":"storm","room":"big","members":2000,"times":5,"run":"r1"}
//       the first `members` clients of the room each publish `times` states in sequence (each
//       waits for the server's ack before the next); states are {status, seq: 1..times, run}
//   {"op":"status"}  /  {"op":"quit"}
import http from "node:http"
import fs from "node:fs"
import readline from "node:readline"
import { RealtimeClient, now, pool, parseArgs } from "./lib.mjs"

const args = parseArgs(process.argv.slice(2), {
  url: "", room: "", count: 0, users: 0, concurrency: 100, controlFile: "", prefix: "load",
})
if (!args.url) { console.error("loadgen: --url is required"); process.exit(2) }

const rooms = new Map() // room -> [RealtimeClient]
let total = 0
let dropped = 0
const STATUSES = ["online", "away", "busy", "typing"]
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n")

function clientUrl(user, name) {
  const u = new URL(args.url)
  u.searchParams.set("user", user)
  u.searchParams.set("name", name)
  return u.toString()
}

async function hold({ room, count, users, prefix = args.prefix, concurrency = args.concurrency }) {
  if (!room || !(count > 0)) throw new Error("hold needs room and count")
  users = users > 0 ? users : count
  const list = rooms.get(room) ?? []
  rooms.set(room, list)
  const base = list.length
  const t0 = now()
  let failed = 0
  await pool(count, concurrency, async (k) => {
    const i = base + k
    const id = i % users
    const c = new RealtimeClient(clientUrl(`${prefix}${id}`, `Load ${prefix} ${id}`), {
      shouldReconnect: false, pingTimeout: 600_000, maxMissedPings: 3,
    })
    try {
      await c.connect()
      const r = await c.joinRoom(room) // no callback: join only, no presence subscription
      if (!r.success) throw new Error("join refused")
      c.on("close", () => { dropped++ })
      list[i] = c
      total++
    } catch (e) {
      failed++
      try { await c.close() } catch {}
    }
  })
  for (let i = list.length - 1; i >= 0; i--) if (!list[i]) list.splice(i, 1)
  return { op: "held", room, count: list.length, failed, ms: Math.round(now() - t0) }
}

async function storm({ room, members, times = 5, run = String(Date.now()) }) {
  const list = rooms.get(room) ?? []
  if (!(members > 0) || members > list.length) throw new Error(`storm needs 0 < members <= ${list.length}`)
  const t0 = now()
  let failed = 0
  await Promise.all(list.slice(0, members).map(async (c, i) => {
    for (let seq = 1; seq <= times; seq++) {
      const state = { status: STATUSES[(i + seq) % STATUSES.length], seq, run }
      const ok = await c.publishPresenceState(room, { state })
      if (ok !== true) failed++
    }
  }))
  return { op: "stormed", room, members, times, run, failed, ms: Math.round(now() - t0) }
}

async function handle(cmd) {
  switch (cmd.op) {
    case "hold": return hold(cmd)
    case "storm": return storm(cmd)
    case "status": return { op: "status", connections: total, dropped, rss: process.memoryUsage().rss,
      rooms: Object.fromEntries([...rooms].map(([r, l]) => [r, l.length])) }
    case "quit": setImmediate(quit); return { op: "bye" }
    default: throw new Error(`unknown op ${cmd.op}`)
  }
}

let quitting = false
async function quit() {
  if (quitting) return
  quitting = true
  server.close()
  const all = [...rooms.values()].flat()
  await Promise.race([Promise.allSettled(all.map((c) => c.close())), new Promise((r) => setTimeout(r, 3000))])
  process.exit(0)
}
process.on("SIGTERM", quit)
process.on("SIGINT", quit)

const server = http.createServer((req, res) => {
  let body = ""
  req.on("data", (d) => { body += d })
  req.on("end", async () => {
    let reply, code = 200
    try { reply = await handle(JSON.parse(body || "{}")) } catch (e) { reply = { error: String(e.message ?? e) }; code = 400 }
    res.writeHead(code, { "content-type": "application/json" })
    res.end(JSON.stringify(reply))
  })
})
await new Promise((r) => server.listen(0, "127.0.0.1", r))
const controlUrl = `http://127.0.0.1:${server.address().port}/`
if (args.controlFile) fs.writeFileSync(args.controlFile, controlUrl + "\n")
out({ event: "control", url: controlUrl })

if (args.room && args.count > 0) out(await hold({ room: args.room, count: args.count, users: args.users }).catch((e) => ({ error: e.message })))
out({ event: "ready" })

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  if (!line.trim()) return
  try { out(await handle(JSON.parse(line))) } catch (e) { out({ error: String(e.message ?? e) }) }
})
