#!/usr/bin/env node
// The JavaScript side of the Hallway benchmarks: the official RealtimeClient (@prsm/realtime/client)
// doing what Hallway's models do, in plain JS: a member map (connectionId -> {metadata, state}) and
// a user map (userId -> {connections, state}) built from the presence snapshot and kept up to date
// from presence events. Prints one JSON object on stdout (the same shape hallway-bench prints).
//
//   node tests/bench/js-bench.mjs --url ws://127.0.0.1:PORT/ --control http://127.0.0.1:CTL/ \
//        --scenario bigroom|bigstall|floor|storm|roundtrip|typing|memory [--runs 3] [--room big] [--room-size 5000]
//        [--storm-members 2000] [--storm-times 5] [--trips 1000] [--typing-trials 20]
import { RealtimeClient, WebSocket, now, median, percentile, sleep, parseArgs, control } from "./lib.mjs"

const args = parseArgs(process.argv.slice(2), {
  url: "", control: "", scenario: "", runs: 3, room: "big", roomSize: 5000, stormMembers: 2000,
  stormTimes: 5, trips: 1000, typingTrials: 20, typingRate: 5, timeout: 120000,
})
if (!args.url || !args.scenario) { console.error("js-bench: --url and --scenario are required"); process.exit(2) }
let seq = 0
const userUrl = (user) => { const u = new URL(args.url); u.searchParams.set("user", user); u.searchParams.set("name", user); return u.toString() }
const newClient = async (user) => {
  const c = new RealtimeClient(userUrl(`${user}-${process.pid}-${++seq}`), { shouldReconnect: false, pingTimeout: 600_000 })
  await c.connect()
  return c
}
const withTimeout = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error(`timeout: ${what}`) })])

// The "models": what Hallway's MemberModel and UserModel hold, as plain maps.
class RoomMaps {
  constructor(client) { this.client = client; this.members = new Map(); this.users = new Map(); this.listeners = [] }
  userOf(meta) { return (meta && typeof meta === "object" && meta.userId) || null }
  addMember(id, metadata, state = null) {
    const had = this.members.get(id)
    if (had) { had.metadata = metadata ?? had.metadata; if (state) this.setState(id, state); return }
    const m = { metadata, state, userId: this.userOf(metadata) }
    this.members.set(id, m)
    if (m.userId) {
      let u = this.users.get(m.userId)
      if (!u) { u = { connections: new Set(), state: null, metadata }; this.users.set(m.userId, u) }
      u.connections.add(id)
      if (state) u.state = state
    }
  }
  removeMember(id) {
    const m = this.members.get(id)
    if (!m) return
    this.members.delete(id)
    const u = m.userId && this.users.get(m.userId)
    if (u) { u.connections.delete(id); if (!u.connections.size) this.users.delete(m.userId) }
  }
  setState(id, state) {
    const m = this.members.get(id)
    if (!m) return
    m.state = state
    const u = m.userId && this.users.get(m.userId)
    if (u) u.state = state // most recent state of any of the user's connections
  }
  // The presence callback RealtimeClient calls: first the snapshot (no `type`), then raw events.
  handler() {
    return (update) => {
      if (!update.type) {
        const states = update.states || {}
        for (const p of update.present || []) this.addMember(p.id, p.metadata, states[p.id] || null)
      } else if (update.type === "join") {
        if (!this.members.has(update.connectionId)) {
          this.addMember(update.connectionId, null)
          this.client.getConnectionMetadata(update.connectionId).then((meta) => {
            if (!this.members.has(update.connectionId)) return
            this.removeMember(update.connectionId); this.addMember(update.connectionId, meta)
          })
        }
      } else if (update.type === "leave") {
        this.removeMember(update.connectionId)
      } else if (update.type === "state") {
        this.setState(update.connectionId, update.state)
      }
      for (const l of this.listeners) l(update)
    }
  }
}

// Longest gap of a 1 ms timer: the event loop's longest stall (the JS twin of Hallway's QTimer
// probe), in wall time and in process CPU time between two ticks (Node's CPU time includes its
// helper threads, so the CPU figure is an upper bound).
function stallProbe() {
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  let last = now(), lastCpu = cpu(), max = 0, maxCpu = 0
  const t = setInterval(() => {
    const n = now(), c = cpu()
    max = Math.max(max, n - last); maxCpu = Math.max(maxCpu, c - lastCpu)
    last = n; lastCpu = c
  }, 1)
  return { stop() { clearInterval(t); return { wall: Math.max(max, now() - last), cpu: Math.max(maxCpu, cpu() - lastCpu) } } }
}

// The server's share of a big-room join, with no client work at all: a raw `ws` socket that
// sends rt/join-room then rt/subscribe-presence (as both clients do: sequential), or both at once
// (pipelined), or rt/subscribe-presence alone first (its snapshot already lists everyone; the join
// follows, not timed), or what Hallway sends to a server that has it: rt/subscribe-presence and
// the server's rooms:enter (a join answered with the presence set only) pipelined. It only waits
// for the reply frames, without parsing them.
async function rawJoin(mode) {
  const ws = new WebSocket(userUrl(`jsraw-${process.pid}-${++seq}`))
  ws.binaryType = "nodebuffer"
  const waiters = new Map()
  await new Promise((resolve, reject) => {
    ws.on("error", reject)
    ws.on("message", (data) => {
      const head = data.toString("latin1", 0, 48)
      if (head.includes("rt/assign-id")) resolve()
      else if (head.includes("\"command\":\"ping\"")) ws.send(JSON.stringify({ command: "pong", payload: {} }))
      const m = /^\{"id":(\d+)/.exec(head)
      if (m && waiters.has(Number(m[1]))) waiters.get(Number(m[1]))()
    })
  })
  const send = (id, command) => new Promise((resolve) => { waiters.set(id, resolve); ws.send(JSON.stringify({ id, command, payload: { roomName: args.room } })) })
  const t0 = now()
  let t
  if (mode === "pipelined") await Promise.all([send(1, "rt/join-room"), send(2, "rt/subscribe-presence")])
  else if (mode === "enter") await Promise.all([send(2, "rt/subscribe-presence"), send(1, "rooms:enter")])
  else if (mode === "subscribe-first") { await send(2, "rt/subscribe-presence"); t = now() - t0; await send(1, "rt/join-room") }
  else { await send(1, "rt/join-room"); await send(2, "rt/subscribe-presence") }
  t ??= now() - t0
  ws.close()
  await sleep(300)
  return t
}

async function bigroomFloor() {
  const seqRuns = [], pipeRuns = [], subRuns = [], enterRuns = []
  for (let r = 0; r < args.runs; r++) {
    seqRuns.push(await rawJoin("sequential")); pipeRuns.push(await rawJoin("pipelined")); subRuns.push(await rawJoin("subscribe-first"))
    enterRuns.push(await rawJoin("enter"))
  }
  return {
    bigroom_floor_seq_ms: { median: median(seqRuns), runs: seqRuns },
    bigroom_floor_pipelined_ms: { median: median(pipeRuns), runs: pipeRuns },
    bigroom_floor_subscribe_first_ms: { median: median(subRuns), runs: subRuns },
    bigroom_floor_enter_ms: { median: median(enterRuns), runs: enterRuns },
  }
}

// joinRoom with a presence callback: rt/join-room, then rt/subscribe-presence (whose reply
// carries the states); done when the snapshot is in the maps. bigroom times it and the process's
// CPU time with nothing else running; bigstall (withProbe) runs the same join with the stall
// probe, whose wakeups slow the join it watches, and reports the event loop's longest stall.
async function bigroom(withProbe = false) {
  const runs = [], sizes = [], stalls = [], stallsCpu = [], cpu = []
  for (let r = 0; r < args.runs; r++) {
    const c = await newClient("jsbig")
    const maps = new RoomMaps(c)
    let t1 = 0
    const h = maps.handler()
    const probe = withProbe ? stallProbe() : null
    const c0 = process.cpuUsage()
    const t0 = now()
    const done = new Promise((resolve) => {
      const cb = (u) => { h(u); if (!u.type) { t1 = now(); resolve() } }
      c.joinRoom(args.room, cb)
    })
    await withTimeout(done, args.timeout, "big room snapshot")
    const c1 = process.cpuUsage(c0)
    if (probe) { const st = probe.stop(); stalls.push(st.wall); stallsCpu.push(st.cpu) }
    if (maps.members.size < args.roomSize) throw new Error(`big room: only ${maps.members.size} members`)
    runs.push(t1 - t0); sizes.push({ members: maps.members.size, users: maps.users.size })
    cpu.push((c1.user + c1.system) / 1000)
    await c.close(); await sleep(300)
  }
  if (withProbe) return { bigroom_stall_ms: { median: median(stalls), runs: stalls },
    bigroom_stall_cpu_ms: { median: median(stallsCpu), runs: stallsCpu }, bigroom_probed_ms: { median: median(runs), runs } }
  return { bigroom_ms: { median: median(runs), runs }, bigroom_size: sizes[0], bigroom_cpu_ms: { median: median(cpu), runs: cpu } }
}

async function storm() {
  const c = await newClient("jsstorm")
  const maps = new RoomMaps(c)
  await withTimeout(new Promise((resolve) => { const h = maps.handler(); c.joinRoom(args.room, (u) => { h(u); if (!u.type) resolve() }) }), args.timeout, "join")
  await sleep(500)
  const runs = [], stalls = [], stallsCpu = [], cpu = [], server = []
  for (let r = 0; r < args.runs; r++) {
    const run = `js-${process.pid}-${r}`
    const seen = new Set()
    let resolveDone
    const done = new Promise((res) => { resolveDone = res })
    // Done when the maps hold the last state (seq == times of this run) for every storm member.
    maps.listeners = [(u) => {
      if (u.type === "state" && u.state && u.state.run === run && u.state.seq === args.stormTimes) {
        const m = maps.members.get(u.connectionId)
        if (m && m.state === u.state) seen.add(u.connectionId)
        if (seen.size === args.stormMembers) resolveDone(now())
      }
    }]
    const probe = stallProbe()
    const cpu0 = process.cpuUsage()
    const t0 = now()
    const ack = control(args.control, { op: "storm", room: args.room, members: args.stormMembers, times: args.stormTimes, run })
    const t1 = await withTimeout(done, args.timeout, `storm ${run} (${seen.size}/${args.stormMembers})`)
    const c1 = process.cpuUsage(cpu0)
    const st = probe.stop()
    stalls.push(st.wall); stallsCpu.push(st.cpu)
    const a = await ack
    if (a.failed) throw new Error(`storm: ${a.failed} publishes failed`)
    runs.push(t1 - t0); cpu.push((c1.user + c1.system) / 1000); server.push(a.ms)
    // the users' last state too
    await sleep(500)
  }
  await c.close()
  return {
    storm_ms: { median: median(runs), runs },
    storm_stall_ms: { median: median(stalls), runs: stalls },
    storm_stall_cpu_ms: { median: median(stallsCpu), runs: stallsCpu },
    storm_cpu_ms: { median: median(cpu), runs: cpu },
    storm_loadgen_ms: { median: median(server), runs: server },
  }
}

async function roundtrip() {
  const room = `bench-rt-${process.pid}`
  const c = await newClient("jsrt")
  const maps = new RoomMaps(c)
  let waiter = null
  maps.listeners = [(u) => { if (waiter && u.type === "state" && u.connectionId === c.connectionId && u.state?.seq === waiter.seq) waiter.resolve(now()) }]
  await c.joinRoom(room, maps.handler())
  const p50s = [], p99s = [], cpus = []
  let s = 0
  const trip = async () => {
    const want = ++s
    const got = new Promise((resolve) => { waiter = { seq: want, resolve } })
    const t0 = now()
    c.publishPresenceState(room, { state: { status: "online", seq: want } })
    return (await withTimeout(got, 10000, "own state event")) - t0
  }
  for (let i = 0; i < 100; i++) await trip() // warm-up, not counted
  for (let r = 0; r < args.runs; r++) {
    const trips = []
    const c0 = process.cpuUsage()
    for (let i = 0; i < args.trips; i++) trips.push(await trip())
    const c1 = process.cpuUsage(c0)
    cpus.push((c1.user + c1.system) / args.trips)
    p50s.push(percentile(trips, 50)); p99s.push(percentile(trips, 99))
  }
  await c.close()
  return { roundtrip_p50_ms: { median: median(p50s), runs: p50s }, roundtrip_p99_ms: { median: median(p99s), runs: p99s },
    roundtrip_cpu_us: { median: median(cpus), runs: cpus } }
}

// A naive typing indicator publishes {status:"typing"} on every keystroke: at `typingRate` keys per
// second that is typingRate*60 state messages per minute of continuous typing (counted on a
// simulated clock). The latency is measured for real: first keystroke -> a peer sees "typing".
async function typing() {
  const room = `bench-typing-${process.pid}`
  const typist = await newClient("jstypist")
  const peer = await newClient("jspeer")
  const peerMaps = new RoomMaps(peer)
  let waiter = null
  peerMaps.listeners = [(u) => { if (waiter && u.type === "state" && u.connectionId === typist.connectionId && waiter.match(u.state)) waiter.resolve(now()) }]
  await typist.joinRoom(room)
  await peer.joinRoom(room, peerMaps.handler())
  await sleep(200)
  // One minute of typing at typingRate keys/s on a simulated clock: one publish per keystroke.
  let sent = 0
  for (let t = 0; t < 60000; t += 1000 / args.typingRate) sent++
  const lat = []
  for (let i = 0; i < args.typingTrials; i++) {
    let got = new Promise((resolve) => { waiter = { match: (s) => s?.status === "typing" && s.n === i, resolve } })
    const t0 = now()
    typist.publishPresenceState(room, { state: { status: "typing", n: i }, expireAfter: 6000 }) // the keystroke
    lat.push((await withTimeout(got, 10000, "peer sees typing")) - t0)
    got = new Promise((resolve) => { waiter = { match: (s) => s === null, resolve } })
    typist.clearPresenceState(room)
    await withTimeout(got, 10000, "peer sees clear")
    await sleep(20)
  }
  await typist.close(); await peer.close()
  return { typing_messages_per_min: { median: sent, runs: [sent] }, typing_latency_p50_ms: { median: percentile(lat, 50), runs: lat } }
}

// Resident memory of a Node process holding one RealtimeClient joined to the big room, with maps.
async function memory() {
  const c = await newClient("jsmem")
  const maps = new RoomMaps(c)
  await withTimeout(new Promise((resolve) => { const h = maps.handler(); c.joinRoom(args.room, (u) => { h(u); if (!u.type) resolve() }) }), args.timeout, "join")
  await sleep(1000)
  if (global.gc) global.gc()
  const rss = process.memoryUsage().rss / (1024 * 1024)
  await c.close()
  return { memory_mb: { median: rss, runs: [rss] }, memory_members: maps.members.size }
}

const scenarios = { bigroom: () => bigroom(false), bigstall: () => bigroom(true), floor: bigroomFloor, storm, roundtrip, typing, memory }
const out = { client: "javascript", scenario: args.scenario, results: {} }
if (/\b(bigroom|bigstall|floor|memory)\b/.test(args.scenario)) out.room_size = args.roomSize // these results are per room size
try {
  for (const s of args.scenario.split(",")) {
    if (!scenarios[s]) throw new Error(`unknown scenario ${s}`)
    Object.assign(out.results, await scenarios[s]())
  }
} catch (e) {
  out.error = String(e.message ?? e)
}
process.stdout.write(JSON.stringify(out) + "\n")
process.exit(out.error ? 1 : 0)
