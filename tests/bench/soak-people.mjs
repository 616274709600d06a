#!/usr/bin/env node
// The simulated people of the soak test (soak.sh, soak.mjs): each one a connection made with the
// official @prsm/realtime client (RealtimeClient, which reconnects by itself and rejoins its
// rooms), through the balancer, in one room. They behave like a team at work, at rates given in
// seconds of mean time between events (exponentially distributed, seeded):
//   --message-every S   a person types (Hallway's typing states: {"status":"typing"} with
//                       expireAfter 6000, again every 4 s while typing), then sends a chat
//                       message with a clientId and goes back to their status
//   --away-every S      a person goes away ({"status":"away"}) for 1–5 minutes
//   --leave-every S     a person closes the app (the socket) for 10–60 s, then comes back on a
//                       new connection
// A fraction (--watchers) keeps the app in front: subscribed to the room's presence and chat,
// so the servers fan events out to them as to real clients. A chat send that fails (the
// connection died under it) is retried with the same clientId until acknowledged; the server
// answers a retry with the first send's id, so each acknowledged message has one id.
//
// Everyone arrives within --ramp seconds (evenly spread), as a team does in the morning.
//
// Control: one JSON command per line on stdin, one JSON reply per line on stdout.
//   {"op":"start"}                 begin the behaviours (after {"event":"ready"})
//   {"op":"churn","on":bool}       allow or hold leaving/coming back (held around faults)
//   {"op":"truth"}                 who is online per room: {"rooms":{room:[connectionId]}, ...}
//   {"op":"stop-sending"}          no new messages; replies once every send has settled
//   {"op":"report"}                the acknowledged sends and counters
//   {"op":"quit"}
import readline from "node:readline"
import { RealtimeClient, parseArgs, pool, sleep } from "./lib.mjs"

const args = parseArgs(process.argv.slice(2), {
  url: "", people: 2000, rooms: 10, watchers: 0.2, messageEvery: 300, awayEvery: 900, leaveEvery: 1200,
  ramp: 60, concurrency: 40, seed: 1, prefix: "soak",
})
if (!args.url) { console.error("soak-people: --url is required"); process.exit(2) }

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n")

// Seeded PRNG (mulberry32), so the same seed gives the same team and the same day.
let seed = args.seed >>> 0
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const expo = (meanS) => -Math.log(1 - random()) * meanS * 1000
const between = (a, b) => (a + random() * (b - a)) * 1000

// Rooms of unequal size, like a team's channels: the first is everyone's lobby-sized room.
function roomPlan(people, rooms) {
  const weights = Array.from({ length: rooms }, (_, i) => 1 / (i + 2))
  const sum = weights.reduce((a, b) => a + b, 0)
  const sizes = weights.map((w) => Math.floor((w / sum) * people))
  sizes[0] += people - sizes.reduce((a, b) => a + b, 0)
  return sizes.map((size, i) => ({ name: `soak-${i}`, size }))
}
const plan = roomPlan(args.people, args.rooms)

let running = false
let churn = true
let sending = true
let nextClientId = 0
const sent = []          // [messageId, room, sentAt (ms since epoch), clientId]
const unacked = new Set() // clientIds given up on (never acknowledged)
const inFlight = new Set()
const errors = {}
const counts = { messages: 0, retries: 0, states: 0, stateFailures: 0, leaves: 0, comebacks: 0, reconnects: 0, watcherEvents: 0, chatReceived: 0 }
const noteError = (e) => {
  const code = e?.code || e?.name || String(e?.message ?? e).slice(0, 60)
  errors[code] = (errors[code] ?? 0) + 1
}

function clientUrl(p) {
  const u = new URL(args.url)
  u.searchParams.set("user", `${args.prefix}${p.index}`)
  u.searchParams.set("name", `Soak Person ${p.index}`)
  return u.toString()
}

const people = []
plan.forEach((room, r) => {
  for (let k = 0; k < room.size; k++) {
    const index = people.length
    people.push({ index, room: room.name, watcher: random() < args.watchers, client: null, online: false, away: false, typing: false })
  }
})

function baseState(p) {
  return { status: p.away ? "away" : "online", t: Date.now() }
}

async function publish(p, state, expireAfter) {
  counts.states++
  try {
    const ok = await p.client.publishPresenceState(p.room, { state, expireAfter })
    if (ok !== true) counts.stateFailures++
  } catch (e) {
    counts.stateFailures++
    noteError(e)
  }
}

// A new connection for p: connect through the balancer, join (watchers: with presence and chat),
// declare the status. The client reconnects by itself after that; on each reconnect it rejoins
// and we declare the status again (the official client does not).
async function connect(p) {
  const c = new RealtimeClient(clientUrl(p), { shouldReconnect: true, reconnectInterval: 2000 })
  p.client = c
  c.on("disconnect", () => { if (p.client === c) p.online = false })
  c.on("reconnect", () => {
    if (p.client !== c) return
    counts.reconnects++
    p.online = true
    publish(p, p.typing ? { status: "typing", t: Date.now() } : baseState(p), p.typing ? 6000 : undefined)
  })
  await c.connect()
  const joined = await c.joinRoom(p.room, p.watcher ? () => { counts.watcherEvents++ } : undefined)
  if (!joined.success) throw Object.assign(new Error("join refused"), { code: "EJOIN" })
  if (p.watcher) await c.subscribeChannel(`chat:${p.room}`, () => { counts.chatReceived++ }, { historyLimit: 0 })
  p.online = true
  await publish(p, baseState(p))
}

async function sendChat(p, text, clientId) {
  for (let attempt = 0; attempt < 8; attempt++) {
    if (attempt > 0) { counts.retries++; await sleep(2000) }
    try {
      const r = await p.client.command("chat:send", { room: p.room, text, clientId }, 10000)
      if (r?.ok && r.id) return r
      noteError({ code: r?.code ?? "ENOTOK" })
    } catch (e) {
      noteError(e)
    }
  }
  return null
}

async function typeAndSend(p) {
  const clientId = `${args.prefix}-${process.pid}-${nextClientId++}`
  inFlight.add(clientId)
  try {
    p.typing = true
    const typingFor = between(2, 10)
    const t0 = Date.now()
    await publish(p, { status: "typing", t: Date.now() }, 6000)
    while (Date.now() - t0 < typingFor) {
      await sleep(Math.min(4000, typingFor - (Date.now() - t0)))
      if (Date.now() - t0 < typingFor) await publish(p, { status: "typing", t: Date.now() }, 6000)
    }
    const sentAt = Date.now()
    const r = await sendChat(p, `soak ${clientId} ${sentAt}`, clientId)
    counts.messages++
    if (r) sent.push([r.id, p.room, sentAt, clientId])
    else unacked.add(clientId)
    p.typing = false
    await publish(p, baseState(p))
  } finally {
    inFlight.delete(clientId)
  }
}

async function leaveAndComeBack(p) {
  counts.leaves++
  const c = p.client
  p.client = null
  p.online = false
  await Promise.race([c.close(), sleep(3000)])
  await sleep(between(10, 60))
  for (;;) {
    try {
      await connect(p)
      counts.comebacks++
      return
    } catch (e) {
      noteError(e)
      try { await p.client?.close() } catch {}
      await sleep(2000)
    }
  }
}

// One person's day: the next thing they do is whichever of their three clocks runs out first.
async function live(p) {
  await sleep(random() * 10000) // not all at the same moment
  let awayUntil = 0
  while (running) {
    const tMsg = sending ? expo(args.messageEvery) : Infinity
    const tAway = p.away ? Math.max(0, awayUntil - Date.now()) : expo(args.awayEvery)
    const tLeave = expo(args.leaveEvery)
    const wait = Math.min(tMsg, tAway, tLeave, 30000)
    await sleep(wait)
    if (!running) break
    if (!p.online) continue // reconnecting: the client queues nothing for us meanwhile
    if (wait === tMsg) {
      await typeAndSend(p)
    } else if (wait === tAway) {
      p.away = !p.away
      if (p.away) awayUntil = Date.now() + between(60, 300)
      await publish(p, baseState(p))
    } else if (wait === tLeave && churn) {
      await leaveAndComeBack(p)
    }
  }
}

function truth() {
  const rooms = Object.fromEntries(plan.map((r) => [r.name, []]))
  let online = 0, away = 0, offline = 0
  for (const p of people) {
    if (p.online && p.client?.connectionId) {
      rooms[p.room].push(p.client.connectionId)
      online++
    } else if (p.client === null) {
      away++ // closed the app on purpose
    } else {
      offline++ // reconnecting
    }
  }
  return { op: "truth", rooms, online, closed: away, reconnecting: offline }
}

async function handle(cmd) {
  switch (cmd.op) {
    case "start":
      running = true
      for (const p of people) live(p)
      return { op: "started" }
    case "churn": churn = !!cmd.on; return { op: "churn", on: churn }
    case "truth": return truth()
    case "stop-sending": {
      sending = false
      while (inFlight.size) await sleep(200)
      return { op: "stopped", sent: sent.length, unacked: unacked.size }
    }
    case "report":
      return { op: "report", sent, unacked: [...unacked], errors, counts, rss: process.memoryUsage().rss }
    case "quit":
      running = false
      setImmediate(async () => {
        await Promise.race([Promise.allSettled(people.map((p) => p.client?.close())), sleep(5000)])
        process.exit(0)
      })
      return { op: "bye" }
    default: throw new Error(`unknown op ${cmd.op}`)
  }
}

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  if (!line.trim()) return
  try { out(await handle(JSON.parse(line))) } catch (e) { out({ error: String(e.message ?? e) }) }
})

const t0 = Date.now()
let failed = 0
await pool(people.length, args.concurrency, async (i) => {
  const p = people[i]
  const due = t0 + (i * args.ramp * 1000) / people.length
  if (due > Date.now()) await sleep(due - Date.now())
  for (let attempt = 0; attempt < 5; attempt++) {
    try { await connect(p); return } catch (e) {
      noteError(e)
      try { await p.client?.close() } catch {}
      await sleep(1000)
    }
  }
  failed++
})
out({ event: "ready", people: people.length, failed, ms: Date.now() - t0, rooms: plan, watchers: people.filter((p) => p.watcher).length })
