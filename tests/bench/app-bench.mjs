#!/usr/bin/env node
// The app itself, offscreen (QT_QPA_PLATFORM=offscreen), with fresh settings in a temp HOME:
//  - cold start: wall time from spawning `hallway` until its first frame is rendered. The app has
//    no timing hook, so this watches Qt's own render-loop log (qt.scenegraph.time.renderloop and
//    qt.scenegraph.time.renderer, which log every rendered frame) on stderr; if the build logs
//    no frame, it falls back to `--screenshot FILE --screenshot-delay 0` and takes the time until
//    the PNG exists (a frame was rendered and grabbed);
//  - memory: VmRSS from /proc/<pid>/status of the app joined to the big room, sampled every
//    250 ms for --settle ms after start (the peak is reported; the room snapshot lands within ~1 s).
// With --people N (the room's people count, ours included) it measures a cold join of a big room
// instead, through the app's hidden --bench-probe hooks (app/hallway/benchprobe.h), each run a
// fresh process:
//  - join: spawn until the people panel's list holds N rows;
//  - load stall: the GUI thread's longest stall from the first frame until 2 s after that, in
//    wall time and in the thread's own CPU time (what the other processes on these cores took
//    is in the first, not in the second); RSS then (and its peak while loading);
//  - idle: frames rendered per second and CPU use over the next 5 s;
//  - scroll: the people list scrolled 40 px per 16 ms tick for 3 s: frames per second, longest
//    gap between frames, longest GUI-thread stall (wall, CPU);
//  - filter: "m", "ma", "mar" typed into the people filter, then cleared: each until the next
//    frame is on screen (the worst is reported, and the synchronous part alone).
//
//   node tests/bench/app-bench.mjs --app build-bench/app/hallway/hallway --url ws://127.0.0.1:PORT/
//        [--room big] [--runs 3] [--settle 8000] [--people N --room-size N]
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { now, median, sleep, parseArgs } from "./lib.mjs"

const args = parseArgs(process.argv.slice(2), { app: "", url: "", room: "big", runs: 3, settle: 8000, timeout: 20000, people: 0, roomSize: 0, joinTimeout: 60000 })
if (!args.app || !fs.existsSync(args.app)) {
  process.stdout.write(JSON.stringify({ client: "app", scenario: "app", error: `no app binary at ${args.app || "(none)"}`, results: {} }) + "\n")
  process.exit(1)
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), "hallway-app-bench-"))

function launch(extraArgs, env = {}, stdio = ["ignore", "ignore", "pipe"]) {
  const child = spawn(args.app, ["--url", args.url, "--user", "benchapp", "--name", "Bench App", ...extraArgs], {
    env: {
      ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), XDG_CACHE_HOME: path.join(home, ".cache"),
      XDG_RUNTIME_DIR: home, QT_QPA_PLATFORM: "offscreen", ...env,
    },
    stdio,
  })
  return child
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode) return resolve()
    const t = setTimeout(() => { try { process.kill(child.pid, "SIGKILL") } catch {} }, 3000)
    child.once("exit", () => { clearTimeout(t); resolve() })
    try { process.kill(child.pid, "SIGTERM") } catch { resolve() }
  })
}

const FRAME = /Frame rendered|time in renderer|Frame prepared|rendering took|swap/i
async function firstFrameByLog() {
  const t0 = now()
  const child = launch([], {
    QT_LOGGING_RULES: "qt.scenegraph.time.renderloop.debug=true;qt.scenegraph.time.renderer.debug=true;hallway.*.debug=false",
  })
  let buf = ""
  const t = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), args.timeout)
    child.stderr.on("data", (d) => {
      buf += d
      for (const line of buf.split("\n")) if (/qt\.scenegraph\.time|Frame/.test(line) && FRAME.test(line)) { clearTimeout(timer); resolve(now() - t0); return }
      if (buf.length > 1 << 20) buf = buf.slice(-4096)
    })
    child.once("exit", () => { clearTimeout(timer); resolve(null) })
  })
  await stop(child)
  return t
}

async function firstFrameByScreenshot() {
  const file = path.join(home, `shot-${Date.now()}.png`)
  const t0 = now()
  const child = launch(["--screenshot", file, "--screenshot-delay", "0"])
  child.stderr.resume()
  const deadline = t0 + args.timeout
  while (!fs.existsSync(file) && now() < deadline && child.exitCode === null) await sleep(2)
  const t = fs.existsSync(file) ? now() - t0 : null
  await stop(child)
  return t
}

function rssMb(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8")
    const m = /VmRSS:\s+(\d+) kB/.exec(s)
    return m ? Number(m[1]) / 1024 : null
  } catch { return null }
}

const ticks = 100 // USER_HZ on Linux
const cpuTicks = (pid) => { try { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return Number(f[11]) + Number(f[12]) } catch { return null } }
const stat = (xs, extra = {}) => ({ median: median(xs), runs: xs, ...extra })

// Cold start, and memory / frame gap / idle CPU joined to the room (render-loop log, /proc).
async function startBench() {
  const results = {}
  let method = "render-loop log"
  const starts = []
  for (let r = 0; r < args.runs; r++) {
    let t = method === "render-loop log" ? await firstFrameByLog() : null
    if (t === null) { method = "--screenshot"; t = await firstFrameByScreenshot() }
    if (t !== null) starts.push(t)
    await sleep(300)
  }
  results.app_first_frame_ms = { median: median(starts), runs: starts, method }

  const rss = [], gaps = [], idle = []
  for (let r = 0; r < Math.min(2, args.runs); r++) {
    // Joined to the big room; the render loop's log gives each frame's distance to the previous
    // one (frameDelta): the longest one is the UI's longest freeze while the room loads.
    const child = launch(["--join", args.room], { QT_LOGGING_RULES: "qt.scenegraph.time.renderloop.debug=true;hallway.*.debug=false" })
    let maxGap = 0, frames = 0, buf = ""
    child.stderr.on("data", (d) => {
      buf += d
      const lines = buf.split("\n"); buf = lines.pop()
      for (const l of lines) { const m = /frameDelta=(\d+)/.exec(l); if (m && ++frames > 1) maxGap = Math.max(maxGap, Number(m[1])) }
    })
    let peak = 0, c0 = null, t1 = 0
    const t0 = now()
    while (now() - t0 < args.settle && child.exitCode === null) {
      peak = Math.max(peak, rssMb(child.pid) ?? 0)
      if (c0 === null && now() - t0 > args.settle - 3000) { c0 = cpuTicks(child.pid); t1 = now() }
      await sleep(250)
    }
    const c1 = cpuTicks(child.pid)
    const exited = child.exitCode !== null
    await stop(child)
    if (!exited) {
      rss.push(peak)
      if (frames > 1) gaps.push(maxGap)
      if (c0 !== null && c1 !== null) idle.push(((c1 - c0) / ticks) * 1000 / (now() - t1) * 100)
    }
  }
  results.app_join_frame_gap_ms = { median: median(gaps), runs: gaps }
  results.app_idle_cpu_pct = { median: median(idle), runs: idle }
  results.app_rss_mb = { median: median(rss), runs: rss }
  if (!starts.length) throw new Error("the app rendered no frame")
  return results
}

// One app process driven through --bench-probe: answers come as JSON lines on its stdout.
function probed(child) {
  const queue = [], waiters = []
  let buf = ""
  child.stdout.on("data", (d) => {
    buf += d
    let i
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1)
      let o; try { o = JSON.parse(line) } catch { continue }
      const w = waiters.shift(); w ? w(o) : queue.push(o)
    }
  })
  const next = (ms, what) => queue.length ? Promise.resolve(queue.shift()) : Promise.race([
    new Promise((r) => waiters.push(r)),
    sleep(ms).then(() => { throw new Error(`app: no answer to "${what}" in ${ms} ms`) }),
  ])
  const send = (cmd) => child.stdin.write(cmd + "\n")
  const ask = (cmd, ms = 10000) => { send(cmd); return next(ms, cmd) }
  return { next, send, ask }
}

async function roomRun() {
  const t0 = now()
  const child = launch(["--join", args.room, "--bench-probe"], { QT_LOGGING_RULES: "hallway.*.debug=false" }, ["pipe", "pipe", "pipe"])
  let log = ""
  child.stderr.on("data", (d) => { log = (log + d).slice(-4000) })
  const app = probed(child)
  try {
    await app.next(args.timeout, "first frame")
    // Joined when the people list holds everyone; a dropped session (e.g. a snapshot over the
    // client's frame limit) fails the run at once instead of waiting for the timeout.
    let peak = 0
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(child.pid) ?? 0) }, 100)
    const people = await Promise.race([
      app.ask(`watch ${args.people}`, args.joinTimeout),
      (async () => {
        while (!/session ended|close code/.test(log) && child.exitCode === null) await sleep(50)
        throw new Error(`the app lost its session while joining: ${(log.match(/.*(session ended|close code).*/) || [""])[0].trim()}`)
      })(),
    ]).finally(() => clearInterval(sampler))
    const r = { join: people.t - t0 } // now() and the probe share CLOCK_MONOTONIC
    await sleep(2000)
    const stall = await app.ask("stall stop")
    Object.assign(r, { stall: stall.stall_wall_ms, stallCpu: stall.stall_cpu_ms, stallCpuAt: stall.stall_cpu_at - t0,
      rss: rssMb(child.pid), peak: Math.max(peak, rssMb(child.pid)) })
    app.send("frames start")
    const c0 = cpuTicks(child.pid), i0 = now()
    await sleep(5000)
    const idle = await app.ask("frames stop")
    r.idleCpu = ((cpuTicks(child.pid) - c0) / ticks) * 1000 / (now() - i0) * 100
    r.idleFps = idle.frames / (idle.ms / 1000)
    const sc = await app.ask("scroll 3000 40", 15000)
    Object.assign(r, { scrollFps: sc.scroll_frames / (sc.ms / 1000), scrollGap: sc.max_frame_gap_ms, scrollStall: sc.stall_wall_ms, scrollStallCpu: sc.stall_cpu_ms })
    r.filter = []; r.filterSet = []
    for (const text of ["m", "ma", "mar", ""]) {
      const f = await app.ask(`filter ${text}`)
      if (f.error) throw new Error(`filter: ${f.error}`)
      r.filter.push(f.frame_ms); r.filterSet.push(f.set_ms)
    }
    return r
  } finally {
    await stop(child)
  }
}

// Cold join of a big room (--people), each run a fresh process; stops at the first failure.
async function roomBench() {
  const runs = []
  for (let r = 0; r < args.runs; r++) { runs.push(await roomRun()); await sleep(300) }
  const col = (k) => runs.map((x) => x[k])
  return {
    app_big_join_ms: stat(col("join")),
    app_big_stall_ms: stat(col("stall")), app_big_stall_cpu_ms: stat(col("stallCpu"), { endedAtMs: col("stallCpuAt") }),
    app_big_rss_mb: stat(col("rss")), app_big_rss_peak_mb: stat(col("peak")),
    app_big_idle_fps: stat(col("idleFps")), app_big_idle_cpu_pct: stat(col("idleCpu")),
    app_big_scroll_fps: stat(col("scrollFps")), app_big_scroll_gap_ms: stat(col("scrollGap")),
    app_big_scroll_stall_ms: stat(col("scrollStall")), app_big_scroll_stall_cpu_ms: stat(col("scrollStallCpu")),
    app_big_filter_ms: stat(runs.map((x) => Math.max(...x.filter)), { keystrokes: runs.map((x) => x.filter) }),
    app_big_filter_set_ms: stat(runs.map((x) => Math.max(...x.filterSet))),
  }
}

const out = args.people > 0 ? { client: "app", scenario: "bigapp", room_size: args.roomSize || undefined, results: {} } : { client: "app", scenario: "app", results: {} }
try {
  out.results = await (args.people > 0 ? roomBench() : startBench())
} catch (e) {
  out.error = String(e.message ?? e)
}
fs.rmSync(home, { recursive: true, force: true })
process.stdout.write(JSON.stringify(out) + "\n")
process.exit(out.error ? 1 : 0)
