#!/usr/bin/env node
// Combines the JSON results of hallway-bench, js-bench.mjs and app-bench.mjs (files given as
// arguments, one JSON object per line) into the comparison table, and writes them all as one
// JSON document to --json FILE.
import fs from "node:fs"

const files = [], argv = process.argv.slice(2)
let jsonOut = ""
for (let i = 0; i < argv.length; i++) argv[i] === "--json" ? (jsonOut = argv[++i]) : files.push(argv[i])

const hw = {}, hwRaised = {}, js = {}, app = {}, errors = [], failed = new Set()
for (const f of files) {
  for (const line of fs.readFileSync(f, "utf8").split("\n")) {
    if (!line.trim().startsWith("{")) continue
    let o
    try { o = JSON.parse(line) } catch { continue }
    if (!o.client) continue
    // Results that depend on the room's size carry it: their keys get "@size".
    const tag = o.room_size ? `@${o.room_size}` : ""
    const client = o.client === "hallway" && o.max_frame_bytes ? "hallway-raised" : o.client
    if (o.error) { errors.push(`${client} ${o.scenario}${tag}: ${o.error}`); failed.add(`${client}:${o.scenario}${tag}`) }
    // Several lines per client (one per run): concatenate each measure's runs, re-take medians.
    const into = { hallway: hw, "hallway-raised": hwRaised, javascript: js }[client] ?? app
    for (const [key, v] of Object.entries(o.results || {})) {
      const k = key + tag
      if (v && Array.isArray(v.runs) && into[k] && Array.isArray(into[k].runs)) into[k].runs.push(...v.runs)
      else into[k] = v && Array.isArray(v.runs) ? { ...v, runs: [...v.runs] } : v
    }
  }
}
const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); if (!s.length) return null; const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
for (const r of [hw, hwRaised, js, app]) for (const v of Object.values(r)) if (v && Array.isArray(v.runs) && v.runs.length > 1 && !v.perTrial) v.median = median(v.runs)
const FAILED = Symbol("failed")
const med = (r, k) => (r[k] && typeof r[k].median === "number" ? r[k].median : null)
// A measure whose run failed shows "fails" rather than "—" (the error is listed under the table).
const val = (r, k, client, scenario) => {
  const v = med(r, k)
  const tag = k.includes("@") ? k.slice(k.indexOf("@")) : ""
  return v === null && failed.has(`${client}:${scenario}${tag}`) ? FAILED : v
}
const sizes = [...new Set(Object.keys({ ...hw, ...js, ...app }).filter((k) => k.includes("@")).map((k) => Number(k.split("@")[1])))].sort((a, b) => a - b)
const n = (x) => x.toLocaleString("en-US")
const fmt = (v, unit) => (v === FAILED ? "fails" : v === null || v === undefined ? "—" : `${Number.isInteger(v) || v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`)

// [label, hallway value, js value, unit, target text, pass(h, j) or null]
const bigRows = (N) => {
  const h = (k) => val(hw, `${k}@${N}`, "hallway", "bigroom"), j = (k) => val(js, `${k}@${N}`, "javascript", "bigroom")
  const hs = (k) => val(hw, `${k}@${N}`, "hallway", "bigstall"), js_ = (k) => val(js, `${k}@${N}`, "javascript", "bigstall")
  const a = (k) => val(app, `${k}@${N}`, "app", "bigapp")
  const rows = [
    [`big room ${n(N)}: join → models hold all`, h("bigroom_ms"), j("bigroom_ms"), "ms", "≤ 0.75× JS", (x, y) => x <= 0.75 * y],
    ["  vs server floor: raw ws join→subscribe, no parsing", h("bigroom_ms"), j("bigroom_floor_seq_ms"), "ms", "≤ 1.2× floor", (x, y) => x <= 1.2 * y],
    ["  server floor: join+subscribe pipelined (info)", null, j("bigroom_floor_pipelined_ms"), "ms", "—", null],
    ["  server floor: subscribe-presence first (info)", null, j("bigroom_floor_subscribe_first_ms"), "ms", "—", null],
    ["  server floor: subscribe-presence + rooms:enter pipelined (info)", null, j("bigroom_floor_enter_ms"), "ms", "—", null],
    ["  join: longest main-thread stall, wall (info; runs with the stall probe)", hs("bigroom_stall_ms"), js_("bigroom_stall_ms"), "ms", "—", null],
    ["  join: longest stall, CPU work only (info; same runs)", hs("bigroom_stall_cpu_ms"), js_("bigroom_stall_cpu_ms"), "ms", "—", null],
    ["  join with the stall probe running (info; same runs)", hs("bigroom_probed_ms"), js_("bigroom_probed_ms"), "ms", "—", null],
    ["  join: client CPU time, all threads (info)", h("bigroom_cpu_ms"), j("bigroom_cpu_ms"), "ms", "—", null],
  ]
  rows.push(["  library only: RSS joined (info)", val(hw, `memory_lib_mb@${N}`, "hallway", "memory"), val(js, `memory_mb@${N}`, "javascript", "memory"), "MB", "—", null])
  if (med(hwRaised, `bigroom_ms@${N}`) !== null) rows.push(
    ["  Hallway with a 64 MiB frame limit: join (info)", med(hwRaised, `bigroom_ms@${N}`), j("bigroom_ms"), "ms", "—", null],
    ["    … longest stall, CPU work only (info)", med(hwRaised, `bigroom_stall_cpu_ms@${N}`), js_("bigroom_stall_cpu_ms"), "ms", "—", null],
    ["    … library only: RSS joined (info)", med(hwRaised, `memory_lib_mb@${N}`), val(js, `memory_mb@${N}`, "javascript", "memory"), "MB", "—", null])
  if (`app_big_join_ms@${N}` in app || failed.has(`app:bigapp@${N}`)) rows.push(
    [`app, room of ${n(N)}: cold join → people panel full (info)`, a("app_big_join_ms"), null, "ms", "—", null],
    ["  app: longest main-thread stall while loading, CPU", a("app_big_stall_cpu_ms"), null, "ms", "≤ 16 ms", (x) => x <= 16],
    ["  app: longest stall while loading, wall (info)", a("app_big_stall_ms"), null, "ms", "—", null],
    ["  app: RSS after load", a("app_big_rss_mb"), null, "MB", "≤ 200 MB", (x) => x <= 200],
    ["  app: frames rendered per second, idle 5 s", a("app_big_idle_fps"), null, "/s", "≤ 2 (caret)", (x) => x <= 2.2],
    ["  app: CPU when idle (info)", a("app_big_idle_cpu_pct"), null, "%", "—", null],
    ["  app: scrolling people: longest stall, CPU", a("app_big_scroll_stall_cpu_ms"), null, "ms", "≤ 16 ms", (x) => x <= 16],
    ["  app: scrolling: longest frame gap, wall (info)", a("app_big_scroll_gap_ms"), null, "ms", "—", null],
    ["  app: scrolling: frames per second (info)", a("app_big_scroll_fps"), null, "/s", "—", null],
    ["  app: filter people: keystroke → frame, worst", a("app_big_filter_ms"), null, "ms", "< 50 ms", (x) => x < 50])
  return rows
}
const rows = [
  ...sizes.flatMap(bigRows),
  ["event storm: 2,000 × 5 states → models final", med(hw, "storm_ms"), med(js, "storm_ms"), "ms", "≤ 0.5× JS", (h, j) => h <= 0.5 * j],
  ["  storm: client CPU time (info)", med(hw, "storm_cpu_ms"), med(js, "storm_cpu_ms"), "ms", "—", null],
  ["  storm: load generator done after (info)", med(hw, "storm_loadgen_ms"), med(js, "storm_loadgen_ms"), "ms", "—", null],
  ["storm: longest main-thread stall", med(hw, "storm_stall_ms"), med(js, "storm_stall_ms"), "ms", "< 16 ms", (h) => h < 16],
  ["  storm: longest stall, CPU work only (info)", med(hw, "storm_stall_cpu_ms"), med(js, "storm_stall_cpu_ms"), "ms", "—", null],
  ["round trip own state p50", med(hw, "roundtrip_p50_ms"), med(js, "roundtrip_p50_ms"), "ms", "≤ 1.1× JS", (h, j) => h <= 1.1 * j],
  ["round trip own state p99", med(hw, "roundtrip_p99_ms"), med(js, "roundtrip_p99_ms"), "ms", "—", null],
  ["  round trip: client CPU per trip (info)", med(hw, "roundtrip_cpu_us"), med(js, "roundtrip_cpu_us"), "µs", "—", null],
  ["typing: state messages / min of typing", med(hw, "typing_messages_per_min"), med(js, "typing_messages_per_min"), "", "≤ 16", (h) => h <= 16],
  ["typing: first keystroke → peer sees p50", med(hw, "typing_latency_p50_ms"), med(js, "typing_latency_p50_ms"), "ms", "≤ 100 ms", (h) => h <= 100],
  ["app: cold start → first frame (offscreen)", med(app, "app_first_frame_ms"), null, "ms", "< 1 s", (h) => h < 1000],
  ["app: RSS with a 5,000-member room", med(app, "app_rss_mb"), med(js, "memory_mb@5000"), "MB", "< 150 MB", (h) => h < 150],
  ["  app: longest frame gap while joining (info, idle too)", med(app, "app_join_frame_gap_ms"), null, "ms", "—", null],
  ["  app: CPU when idle in the room (info)", med(app, "app_idle_cpu_pct"), null, "%", "—", null],
]

const table = [["scenario", "Hallway", "JavaScript", "ratio", "target", "met"]]
for (const [label, h, j, unit, target, pass] of rows) {
  if (h === null && (j === null || !label.includes("floor"))) continue // not measured in this run
  if (label.includes("(info)") && label.startsWith("  ") && h === FAILED && (j === null || j === FAILED)) continue
  const num = (v) => typeof v === "number"
  const ratio = num(h) && num(j) && j > 0 ? `${(h / j).toFixed(2)}×` : "—"
  let met = "—"
  if (pass && h === FAILED) met = "NO"
  else if (pass && num(h)) {
    const needsJs = pass.length > 1
    met = needsJs && !num(j) ? "?" : pass(h, j) ? "yes" : "NO"
  }
  table.push([label, fmt(h, unit).trim(), fmt(j, unit).trim(), ratio, target, met])
}
const widths = table[0].map((_, c) => Math.max(...table.map((r) => [...r[c]].length)))
const line = (r) => "| " + r.map((cell, c) => cell + " ".repeat(widths[c] - [...cell].length)).join(" | ") + " |"
console.log(line(table[0]))
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|")
for (const r of table.slice(1)) console.log(line(r))
const notes = []
if (Object.keys(js).some((k) => k.startsWith("memory_mb"))) notes.push("JavaScript memory = a Node process holding one RealtimeClient joined to the room plus plain maps.")
if (hw.typing_messages_per_min) notes.push(`typing: Hallway sends ${med(hw, "typing_messages_incl_stop")} incl. the stop after typing ends; JavaScript column = a naive client (one publish per keystroke).`)
for (const N of sizes) {
  const hs = hw[`bigroom_size@${N}`] ?? hwRaised[`bigroom_size@${N}`], js_ = js[`bigroom_size@${N}`]
  if (hs || js_) notes.push(`big room ${n(N)}: Hallway models held ${hs?.members ?? "?"} members / ${hs?.users ?? "?"} people; JavaScript maps ${js_?.members ?? "?"} / ${js_?.users ?? "?"} (ours included).`)
}
for (const n of notes) console.log("  " + n)
for (const e of new Set(errors)) console.log("  ERROR " + e)
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ hallway: hw, hallway_raised_frame_limit: hwRaised, javascript: js, app, errors }, null, 2) + "\n")
process.exit(errors.length ? 1 : 0)
