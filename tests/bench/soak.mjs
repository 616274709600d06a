#!/usr/bin/env node
// The soak test's conductor (soak.sh starts the stack and this): against a running
// `stack.sh start --instances 3 --lb`, it starts
//   - hallway-cli observers and soak-observer observers (the app's models), one of each per
//     instance, through the balancer, each in every room;
//   - soak-people.mjs: the simulated team (official client, through the balancer);
//   - two latency probes: a pair of clients through the balancer and a pair straight to an
//     instance, one publishing a presence state every 250 ms, the other timing its arrival;
// then runs the day: at --kill-at of the duration one instance is killed (SIGKILL) and
// restarted, at --term-at another is stopped gracefully (SIGTERM) and restarted. After each fault
// it measures how long until the room is one again: for every room, Redis's presence set, the
// set of connections the people and observers hold, and each hallway-cli observer's member list
// are equal. Throughout it samples CPU and memory of every process and Redis's memory and keys.
// At the end it counts every acknowledged chat message at every observer (exactly once each).
// Writes all figures as JSON (--out) and prints a Markdown summary.
import { spawn, execFile } from "node:child_process"
import { createRequire } from "node:module"
import fs from "node:fs"
import path from "node:path"
import readline from "node:readline"
import { fileURLToPath } from "node:url"
import { RealtimeClient, serverDir, parseArgs, percentile, sleep, now } from "./lib.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(serverDir, "package.json"))
const { Redis } = require("ioredis")

const args = parseArgs(process.argv.slice(2), {
  stackDir: "", stack: path.resolve(here, "../../packaging/stack.sh"), cli: "", observer: "",
  duration: 720, people: 2000, rooms: 10, watchers: 0.2, messageEvery: 300, awayEvery: 900, leaveEvery: 1200, ramp: 60,
  killAt: 0.4, termAt: 0.7, killInstance: 1, termInstance: 2, restartAfter: 2, sample: 5, settle: 15,
  churnHold: 65, convergeTimeout: 180, out: "", logDir: "", seed: 1,
})
const dir = args.stackDir
const read = (f) => fs.readFileSync(path.join(dir, f), "utf8").trim()
const instances = fs.readdirSync(dir).filter((f) => /^server-\d+\.port$/.test(f)).length
const lbPort = Number(read("lb.port"))
const lbUrl = `ws://127.0.0.1:${lbPort}/`
const instanceUrl = (i) => `ws://127.0.0.1:${read(`server-${i}.port`)}/`
const redis = new Redis({ host: "127.0.0.1", port: Number(read("redis.port")), lazyConnect: false })
const rooms = Array.from({ length: args.rooms }, (_, i) => `soak-${i}`)
const t0wall = Date.now()
const since = () => (Date.now() - t0wall) / 1000
const log = (...a) => process.stderr.write(`[soak ${since().toFixed(0).padStart(4)} s] ${a.join(" ")}\n`)
const results = { settings: { ...args, instances, lbUrl }, samples: [], keySamples: [], faults: [], observers: [], latency: {}, chat: {} }

// ---- processes and their CPU/memory -----------------------------------------------------------
const TICK = 100 // USER_HZ on Linux
function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / TICK
    const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
    return { cpuMs, rssMB: rss ? Number(rss[1]) / 1024 : null }
  } catch {
    return null
  }
}
const pidOf = (f) => { try { return Number(read(f)) } catch { return 0 } }
let people = null // child process
const lastCpu = new Map()
async function healthz(i) {
  try {
    const r = await fetch(`http://127.0.0.1:${read(`server-${i}.port`)}/healthz`, { signal: AbortSignal.timeout(2000) })
    return (await r.json()).connections ?? null
  } catch { return null }
}
async function sample() {
  const at = since()
  const procs = {}
  const watch = { redis: pidOf("redis.pid"), haproxy: pidOf("haproxy.pid"), people: people?.pid ?? 0, conductor: process.pid }
  for (let i = 0; i < instances; i++) watch[`server${i}`] = pidOf(`server-${i}.pid`)
  for (const [name, pid] of Object.entries(watch)) {
    const s = pid ? procStat(pid) : null
    if (!s) { procs[name] = null; continue }
    const prev = lastCpu.get(name)
    const cpu = prev && prev.pid === pid ? ((s.cpuMs - prev.cpuMs) / ((now() - prev.t) || 1)) * 100 : null
    lastCpu.set(name, { pid, cpuMs: s.cpuMs, t: now() })
    procs[name] = { pid, cpu: cpu === null ? null : Math.round(cpu * 10) / 10, rssMB: Math.round(s.rssMB * 10) / 10 }
  }
  const conns = await Promise.all(Array.from({ length: instances }, (_, i) => healthz(i)))
  let mem = null, dbsize = null
  try {
    const info = await redis.info("memory")
    mem = Number(/used_memory:(\d+)/.exec(info)[1])
    dbsize = await redis.dbsize()
  } catch {}
  results.samples.push({ t: Math.round(at), procs, connections: conns, redisUsed: mem, dbsize })
}

// Keys by kind, so growth can be told apart by what grows.
const KINDS = [
  ["presence key", /^rt:presence:room:.*:conn:/], ["presence state", /^rt:presence:state:/],
  ["presence set", /^rt:presence:room:/], ["room member set", /^rt:room:/],
  ["connection rooms", /^rt:connection:.*:rooms$/], ["channel subs", /^rt:(conn:subs|ch:subs):/],
  ["chat history", /^rt:history:/], ["chat retry marker", /^hallway:chat:sent:/],
  ["connection lease", /^hallway:user:conns:/], ["instance", /^rt:instance/],
]
async function keySample() {
  const counts = {}
  let cursor = "0"
  do {
    const [next, keys] = await redis.scan(cursor, "COUNT", 2000)
    cursor = next
    for (const k of keys) {
      const kind = KINDS.find(([, re]) => re.test(k))?.[0] ?? "other"
      counts[kind] = (counts[kind] ?? 0) + 1
    }
  } while (cursor !== "0")
  const hashes = {}
  for (const h of ["rt:connections", "rt:connection-meta"]) hashes[h] = await redis.hlen(h)
  results.keySamples.push({ t: Math.round(since()), counts, hashes })
}

// ---- observers: hallway-cli and soak-observer, JSON lines on stdout -----------------------------
class Observer {
  constructor(kind, index) {
    this.kind = kind
    this.name = `${kind}${index}`
    this.connectionIds = []
    this.messages = new Map() // id -> [{at, sentAt}]
    this.pending = []         // [{room, resolve}] for members replies, in order
    this.errors = []
    this.statuses = []
    const bin = kind === "cli" ? args.cli : args.observer
    const argv = ["--url", lbUrl, "--user", `observer-${this.name}`, "--name", `Observer ${this.name}`]
    for (const r of rooms) argv.push("--join", r)
    // SOAK_OBSERVER_LOG_RULES (e.g. "hallway.*.debug=true") to see every request they send.
    const rules = process.env.SOAK_OBSERVER_LOG_RULES || "hallway.*.debug=false"
    this.proc = spawn(bin, argv, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, QT_LOGGING_RULES: rules } })
    this.raw = args.logDir ? fs.createWriteStream(path.join(args.logDir, `observer-${this.name}.log`)) : null
    // Its own log lines (hallway.wire, hallway.presence): what went wrong, if anything. Only the
    // warnings are kept in memory; everything goes to observer-<name>.stderr with --log-dir.
    this.stderr = ""
    const errLog = args.logDir ? fs.createWriteStream(path.join(args.logDir, `observer-${this.name}.stderr`)) : null
    readline.createInterface({ input: this.proc.stderr }).on("line", (line) => {
      errLog?.write(`${Date.now()} ${line}\n`)
      if (!/debug|^hallway\.wire: ->/.test(line) && / (failed|dropping|no longer lists|could not)/.test(line)) this.stderr += line + "\n"
    })
    readline.createInterface({ input: this.proc.stdout }).on("line", (line) => this.onLine(line))
  }
  get connectionId() { return this.connectionIds.at(-1) }
  onLine(line) {
    this.raw?.write(`${Date.now()} ${line}\n`)
    let e
    try { e = JSON.parse(line) } catch { return }
    const at = Date.now()
    if (e.event === "connected") this.connectionIds.push(e.connectionId)
    else if (e.event === "status") { this.statuses.push([Math.round(since()), e.status]); this.lastStatus = e.status }
    else if (e.event === "error") this.errors.push(e.code)
    else if (e.event === "message") {
      const m = /^soak \S+ (\d+)$/.exec(e.text ?? "")
      const list = this.messages.get(e.id) ?? []
      list.push({ at: this.kind === "cli" ? at : e.at, sentAt: m ? Number(m[1]) : null })
      this.messages.set(e.id, list)
    } else if (e.event === "reply" && e.op === "members") {
      const i = this.pending.findIndex((p) => p.room === e.room)
      if (i >= 0) this.pending.splice(i, 1)[0].resolve(e.ok ? e.members : null)
    }
  }
  members(room) {
    return new Promise((resolve) => {
      this.pending.push({ room, resolve })
      this.proc.stdin.write(JSON.stringify({ op: "members", room }) + "\n")
      setTimeout(() => resolve(null), 5000)
    })
  }
  quit() {
    this.proc.stdin.end()
    return new Promise((r) => { this.proc.once("exit", r); setTimeout(() => { this.proc.kill("SIGKILL"); r() }, 12000) })
  }
}

// The instance holding a connection: its server log has the connect line.
function instanceOf(connectionId) {
  for (let i = 0; i < instances; i++) {
    if (fs.readFileSync(path.join(dir, `server-${i}.log`), "utf8").includes(`"connectionId":"${connectionId}"`)) return i
  }
  return -1
}

// ---- the simulated people ------------------------------------------------------------------
const peopleWaiters = []
function startPeople() {
  people = spawn(process.execPath, [path.join(here, "soak-people.mjs"), "--url", lbUrl, "--people", args.people,
    "--rooms", args.rooms, "--watchers", args.watchers, "--message-every", args.messageEvery, "--away-every", args.awayEvery,
    "--leave-every", args.leaveEvery, "--ramp", args.ramp, "--seed", args.seed].map(String), { stdio: ["pipe", "pipe", "inherit"] })
  readline.createInterface({ input: people.stdout }).on("line", (line) => {
    let e
    try { e = JSON.parse(line) } catch { return }
    const key = e.event ?? e.op
    const i = e.error ? 0 : peopleWaiters.findIndex((w) => w.key === key)
    if (e.error) log(`people: ${e.error}`)
    if (i >= 0 && i < peopleWaiters.length) peopleWaiters.splice(i, 1)[0].resolve(e)
  })
}
function peopleSay(cmd, key) {
  return new Promise((resolve) => {
    peopleWaiters.push({ key, resolve })
    if (cmd) people.stdin.write(JSON.stringify(cmd) + "\n")
  })
}

// ---- latency probes --------------------------------------------------------------------------
async function startProbe(name, urlA, urlB) {
  const room = `soak-probe-${name}`
  const q = (u, who) => { const x = new URL(u); x.searchParams.set("user", `probe-${name}-${who}`); x.searchParams.set("name", `Probe ${who}`); return x.toString() }
  const a = new RealtimeClient(q(urlA, "a"), { shouldReconnect: true, reconnectInterval: 1000 })
  const b = new RealtimeClient(q(urlB, "b"), { shouldReconnect: true, reconnectInterval: 1000 })
  const sentAt = new Map()
  const samples = [] // [t (s since start), latency ms]
  // Only while both are online: a state queued during a reconnect would time the outage.
  const up = { a: false, b: false }
  for (const [k, c] of Object.entries({ a, b })) {
    c.on("connect", () => { up[k] = true })
    c.on("disconnect", () => { up[k] = false })
    c.on("close", () => { up[k] = false })
  }
  await a.connect()
  await b.connect()
  await a.joinRoom(room)
  await b.joinRoom(room, (u) => {
    if (u?.type !== "state" || u.connectionId !== a.connectionId || typeof u.state?.seq !== "number") return
    const t = sentAt.get(u.state.seq)
    if (t !== undefined) { samples.push([Math.round(since()), now() - t]); sentAt.delete(u.state.seq) }
  })
  let seq = 0
  const timer = setInterval(() => {
    if (!up.a || !up.b) return
    const s = ++seq
    sentAt.set(s, now())
    a.publishPresenceState(room, { state: { seq: s } }).catch(() => {})
    if (sentAt.size > 400) sentAt.delete(sentAt.keys().next().value)
  }, 250)
  return { name, samples, sent: () => seq, stop: async () => { clearInterval(timer); await Promise.allSettled([a.close(), b.close()]) }, where: () => [instanceOf(a.connectionId), instanceOf(b.connectionId)] }
}

// ---- convergence ---------------------------------------------------------------------------
async function snapshot(cliObservers, allObservers) {
  const truth = await peopleSay({ op: "truth" }, "truth")
  const want = {}
  for (const r of rooms) want[r] = new Set([...truth.rooms[r], ...allObservers.map((o) => o.connectionId)])
  const pipe = redis.pipeline()
  for (const r of rooms) pipe.smembers(`rt:presence:room:${r}`)
  const redisSets = (await pipe.exec()).map(([, v]) => new Set(v))
  const views = await Promise.all(cliObservers.map((o) => Promise.all(rooms.map((r) => o.members(r)))))
  const same = (a, b) => a && a.size === b.size && [...a].every((x) => b.has(x))
  const redisOk = rooms.every((r, i) => same(redisSets[i], want[r]))
  const ids = (members) => new Set(members ? members.map((m) => m.connectionId) : ["?"])
  const observerOk = cliObservers.map((o, k) => rooms.every((r, i) => same(ids(views[k][i]), want[r])))
  // Members an observer lists without knowing who they are (their metadata lookup failed).
  const nameless = views.reduce((n, v) => n + v.reduce((m, list) => m + (list ?? []).filter((x) => !x.userId).length, 0), 0)
  const ghosts = rooms.reduce((n, r, i) => n + [...redisSets[i]].filter((x) => !want[r].has(x)).length, 0)
  const missing = rooms.reduce((n, r, i) => n + [...want[r]].filter((x) => !redisSets[i].has(x)).length, 0)
  return { truth, redisOk, observerOk, ghosts, missing, nameless, allBack: truth.reconnecting === 0 && allObservers.every((o) => o.lastStatus !== "reconnecting") }
}

async function measureConvergence(label, faultAt, cliObservers, allObservers) {
  const rec = { label, at: Math.round(faultAt - t0wall) / 1000, disturbedAt: null, everyoneBackAt: null, redisAt: null, observersAt: null,
    convergedAt: null, maxGhosts: 0, maxMissing: 0, maxNameless: 0, namelessAtEnd: null, timeline: [] }
  const deadline = Date.now() + args.convergeTimeout * 1000
  const samples = [] // {t, back, redis, observers}
  while (Date.now() < deadline) {
    const s = await snapshot(cliObservers, allObservers)
    const t = Math.round((Date.now() - faultAt) / 100) / 10
    rec.maxGhosts = Math.max(rec.maxGhosts, s.ghosts)
    rec.maxMissing = Math.max(rec.maxMissing, s.missing)
    rec.maxNameless = Math.max(rec.maxNameless, s.nameless)
    rec.namelessAtEnd = s.nameless
    rec.timeline.push([t, s.truth.online, s.truth.reconnecting, s.ghosts, s.missing, s.observerOk.filter(Boolean).length, s.nameless])
    const back = s.truth.reconnecting === 0
    const observers = s.observerOk.every(Boolean)
    // Only once the fault has shown (someone reconnecting, or the views disagreeing) does
    // agreement count: right after the signal everything still agrees on the old state.
    if (rec.disturbedAt === null && !(back && s.redisOk && observers)) rec.disturbedAt = t
    if (rec.disturbedAt !== null) samples.push({ t, back, redis: s.redisOk, observers })
    if (rec.disturbedAt !== null && back && s.redisOk && observers) { rec.convergedAt = t; break }
    await sleep(500)
  }
  // Each measure: when it last became true (and stayed so) after the fault showed.
  const settled = (key) => {
    let at = null
    for (const x of samples) at = x[key] ? (at ?? x.t) : null
    return at
  }
  rec.everyoneBackAt = settled("back")
  rec.redisAt = settled("redis")
  rec.observersAt = settled("observers")
  log(`${label}: converged ${rec.convergedAt === null ? "NOT within " + args.convergeTimeout + " s" : "after " + rec.convergedAt.toFixed(1) + " s"} (people back ${rec.everyoneBackAt?.toFixed(1)} s, max ghosts ${rec.maxGhosts}, max missing ${rec.maxMissing}, nameless ${rec.maxNameless} → ${rec.namelessAtEnd})`)
  return rec
}

function stack(...a) {
  return new Promise((resolve) => execFile("bash", [args.stack, ...a], { env: { ...process.env, HALLWAY_STACK_DIR: dir } },
    (err, stdout, stderr) => resolve({ ok: !err, out: (stdout + stderr).trim() })))
}

// ---- the day ---------------------------------------------------------------------------------
const observers = []
let sampler = null, keySampler = null, probes = []
async function main() {
  log(`stack: ${instances} instances behind ${lbUrl}; ${args.people} people in ${args.rooms} rooms for ${args.duration} s`)
  sampler = setInterval(() => sample().catch(() => {}), args.sample * 1000)
  keySampler = setInterval(() => keySample().catch(() => {}), 60000)
  await sample()
  await keySample()

  // Observers first, one after another, so the balancer (leastconn) puts one of each per instance.
  for (const kind of ["cli", "model"]) {
    for (let i = 0; i < instances; i++) {
      const o = new Observer(kind, i)
      observers.push(o)
      const t = Date.now()
      while (!o.connectionId && Date.now() - t < 15000) await sleep(100)
      await sleep(1500) // joined every room
    }
  }
  const cliObservers = observers.filter((o) => o.kind === "cli")
  for (const o of observers) results.observers.push({ name: o.name, instance: instanceOf(o.connectionId) })
  log(`observers: ${results.observers.map((o) => `${o.name}@${o.instance}`).join(" ")}`)

  probes = [await startProbe("lb", lbUrl, lbUrl), await startProbe("direct", instanceUrl(0), instanceUrl(0))]

  startPeople()
  const ready = await peopleSay(null, "ready")
  results.ramp = ready
  log(`people: ${ready.people} connected in ${(ready.ms / 1000).toFixed(1)} s (${ready.failed} failed), ${ready.watchers} watchers`)
  await peopleSay({ op: "start" }, "started")
  const start = Date.now()
  results.startAt = Math.round(since())
  const at = (frac) => start + frac * args.duration * 1000
  const until = async (t) => { while (Date.now() < t) await sleep(Math.min(1000, t - Date.now())) }

  const faults = [
    { frac: args.killAt, label: `SIGKILL instance ${args.killInstance}, restarted after ${args.restartAfter} s`, run: async () => {
      await stack("stop-instance", String(args.killInstance), "--kill")
      await sleep(args.restartAfter * 1000)
      return stack("start-instance", String(args.killInstance))
    } },
    { frac: args.termAt, label: `SIGTERM instance ${args.termInstance} (graceful), restarted when it exited`, run: async () => {
      await stack("stop-instance", String(args.termInstance))
      return stack("start-instance", String(args.termInstance))
    } },
  ]
  for (const f of faults) {
    await until(at(f.frac) - args.churnHold * 1000)
    await peopleSay({ op: "churn", on: false }, "churn")
    await until(at(f.frac))
    const before = await snapshot(cliObservers, observers)
    log(`${f.label} (before: redis ${before.redisOk ? "=" : "≠"} truth, observers ${before.observerOk.filter(Boolean).length}/${cliObservers.length} agree)`)
    const faultAt = Date.now()
    // Measured from the signal on, while the instance stops and comes back.
    const running = f.run()
    const rec = await measureConvergence(f.label, faultAt, cliObservers, observers)
    const r = await running
    if (!r.ok) log(`stack.sh: ${r.out}`)
    rec.consistentBefore = before.redisOk && before.observerOk.every(Boolean)
    results.faults.push(rec)
    await peopleSay({ op: "churn", on: true }, "churn")
  }
  await until(at(1))

  log("stopping new messages; waiting for sends to settle")
  await peopleSay({ op: "stop-sending" }, "stopped")
  await sleep(args.settle * 1000)
  const report = await peopleSay({ op: "report" }, "report")
  await keySample()
  await sample()
  results.people = { errors: report.errors, counts: report.counts, unacked: report.unacked.length, rssMB: report.rss / 1048576 }

  // Chat: every acknowledged message exactly once at every observer.
  const sentIds = new Map(report.sent.map(([id, room, sentAt]) => [id, { room, sentAt }]))
  for (const o of observers) {
    let once = 0, dup = 0, extra = 0
    const lat = []
    for (const [id, list] of o.messages) {
      if (!sentIds.has(id)) { extra++; continue }
      if (list.length === 1) once++; else dup++
      if (list[0].sentAt) lat.push(list[0].at - list[0].sentAt)
    }
    const missing = [...sentIds.keys()].filter((id) => !o.messages.has(id))
    const missingSentAt = missing.map((id) => Math.round((sentIds.get(id).sentAt - t0wall) / 1000))
    results.chat[o.name] = {
      instance: results.observers.find((x) => x.name === o.name)?.instance, sent: sentIds.size, delivered: o.messages.size,
      exactlyOnce: once, duplicated: dup, missing: missing.length, extra,
      missingSentAt: missingSentAt.length ? [Math.min(...missingSentAt), Math.max(...missingSentAt)] : null,
      latency: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100) },
      reconnects: o.connectionIds.length - 1, errors: o.errors,
    }
  }
  results.sent = sentIds.size

  // What the servers and the observers said about limits along the way.
  const serverLogs = Array.from({ length: instances }, (_, i) => fs.readFileSync(path.join(dir, `server-${i}.log`), "utf8")).join("")
  results.rateLimitCloses = (serverLogs.match(/"event":"rate-limit-close","userId":"[^"]*"/g) ?? [])
    .map((x) => x.slice(x.lastIndexOf(":") + 2, -1)).reduce((m, u) => ({ ...m, [u]: (m[u] ?? 0) + 1 }), {})
  results.stops = (serverLogs.match(/\{[^\n]*"event":"stopped"[^\n]*\}/g) ?? []).map((x) => JSON.parse(x))
  for (const o of observers) {
    const c = results.chat[o.name]
    c.metadataRefused = (o.stderr.match(/metadata lookup failed for \S+ "ERATELIMIT"/g) ?? []).length
    c.warnings = o.stderr.split("\n").filter((l) => l && !/metadata lookup failed/.test(l))
  }

  // Latency: the probes, overall and away from the faults (±30 s).
  const faultTimes = results.faults.map((f) => f.at)
  for (const p of probes) {
    const all = p.samples.map(([, l]) => l)
    const calm = p.samples.filter(([t]) => faultTimes.every((ft) => Math.abs(t - ft) > 30)).map(([, l]) => l)
    const q = (xs) => ({ n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: percentile(xs, 100) })
    results.latency[p.name] = { sent: p.sent(), all: q(all), calm: q(calm), instances: p.where() }
  }
}

async function finish(code) {
  clearInterval(sampler)
  clearInterval(keySampler)
  for (const p of probes) await p.stop().catch(() => {})
  if (people) {
    people.stdin.write(JSON.stringify({ op: "quit" }) + "\n")
    await new Promise((r) => { people.once("exit", r); setTimeout(r, 10000) })
  }
  await Promise.all(observers.map((o) => o.quit()))
  redis.disconnect()
  results.finishedAt = Math.round(since())
  if (args.out) fs.writeFileSync(args.out, JSON.stringify(results, null, 1))
  process.exit(code)
}

process.on("SIGTERM", () => finish(1))
process.on("SIGINT", () => finish(1))
main().then(() => finish(0), (e) => { log(`failed: ${e?.stack ?? e}`); results.error = String(e?.message ?? e); finish(1) })
