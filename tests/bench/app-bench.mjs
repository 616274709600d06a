#!/usr/bin/env node
// The app itself, offscreen (QT_QPA_PLATFORM=offscreen), with fresh settings in a temp HOME:
//  - cold start: wall time from spawning `hallway` until its first frame is rendered. The app has
//    no timing hook, so this watches Qt's own render-loop log (qt.scenegraph.time.renderloop and
//    qt.scenegraph.time.renderer, which log every rendered frame) on stderr; if the build logs
//    no frame, it falls back to `--screenshot FILE --screenshot-delay 0` and takes the time until
//    the PNG exists (a frame was rendered and grabbed);
//  - memory: VmRSS from /proc/<pid>/status of the app joined to the big room, sampled every
//    250 ms for --settle ms after start (the peak is reported; the room snapshot lands within ~1 s).
//
//   node tests/bench/app-bench.mjs --app build-bench/app/hallway/hallway --url ws://127.0.0.1:PORT/
//        [--room big] [--runs 3] [--settle 8000]
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { now, median, sleep, parseArgs } from "./lib.mjs"

const args = parseArgs(process.argv.slice(2), { app: "", url: "", room: "big", runs: 3, settle: 8000, timeout: 20000 })
if (!args.app || !fs.existsSync(args.app)) {
  process.stdout.write(JSON.stringify({ client: "app", scenario: "app", error: `no app binary at ${args.app || "(none)"}`, results: {} }) + "\n")
  process.exit(1)
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), "hallway-app-bench-"))

function launch(extraArgs, env = {}) {
  const child = spawn(args.app, ["--url", args.url, "--user", "benchapp", "--name", "Bench App", ...extraArgs], {
    env: {
      ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), XDG_CACHE_HOME: path.join(home, ".cache"),
      XDG_RUNTIME_DIR: home, QT_QPA_PLATFORM: "offscreen", ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
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
const ticks = 100 // USER_HZ on Linux
const cpuTicks = (pid) => { try { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return Number(f[11]) + Number(f[12]) } catch { return null } }
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
fs.rmSync(home, { recursive: true, force: true })
const out = { client: "app", scenario: "app", results }
if (!starts.length) out.error = "the app rendered no frame"
process.stdout.write(JSON.stringify(out) + "\n")
