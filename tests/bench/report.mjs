#!/usr/bin/env node
// Combines the JSON results of hallway-bench, js-bench.mjs and app-bench.mjs (files given as
// arguments, one JSON object per line) into the comparison table, and writes them all as one
// JSON document to --json FILE.
import fs from "node:fs"

const files = [], argv = process.argv.slice(2)
let jsonOut = ""
for (let i = 0; i < argv.length; i++) argv[i] === "--json" ? (jsonOut = argv[++i]) : files.push(argv[i])

const hw = {}, js = {}, app = {}, errors = []
for (const f of files) {
  for (const line of fs.readFileSync(f, "utf8").split("\n")) {
    if (!line.trim().startsWith("{")) continue
    let o
    try { o = JSON.parse(line) } catch { continue }
    if (!o.client) continue
    if (o.error) errors.push(`${o.client} ${o.scenario}: ${o.error}`)
    // Several lines per client (one per run): concatenate each measure's runs, re-take medians.
    const into = o.client === "hallway" ? hw : o.client === "javascript" ? js : app
    for (const [k, v] of Object.entries(o.results || {})) {
      if (v && Array.isArray(v.runs) && into[k] && Array.isArray(into[k].runs)) into[k].runs.push(...v.runs)
      else into[k] = v && Array.isArray(v.runs) ? { ...v, runs: [...v.runs] } : v
    }
  }
}
const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); if (!s.length) return null; const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
for (const r of [hw, js, app]) for (const v of Object.values(r)) if (v && Array.isArray(v.runs) && v.runs.length > 1 && !v.perTrial) v.median = median(v.runs)
const med = (r, k) => (r[k] && typeof r[k].median === "number" ? r[k].median : null)
const fmt = (v, unit) => (v === null || v === undefined ? "—" : `${Number.isInteger(v) || v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`)

// [label, hallway value, js value, unit, target text, pass(h, j) or null]
const rows = [
  ["big room: join 5,000 → models hold all", med(hw, "bigroom_ms"), med(js, "bigroom_ms"), "ms", "≤ 0.5× JS", (h, j) => h <= 0.5 * j],
  ["  server floor: raw ws join→subscribe, no parsing (info)", null, med(js, "bigroom_floor_seq_ms"), "ms", "—", null],
  ["  server floor: join+subscribe pipelined (info)", null, med(js, "bigroom_floor_pipelined_ms"), "ms", "—", null],
  ["  server floor: subscribe-presence first, join after (info)", null, med(js, "bigroom_floor_subscribe_first_ms"), "ms", "—", null],
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
  ["app: RSS with a 5,000-member room", med(app, "app_rss_mb"), med(js, "memory_mb"), "MB", "< 150 MB", (h) => h < 150],
  ["  app: longest frame gap while joining (info)", med(app, "app_join_frame_gap_ms"), null, "ms", "—", null],
  ["  app: CPU when idle in the room (info)", med(app, "app_idle_cpu_pct"), null, "%", "—", null],
  ["  library only: RSS with the room (info)", med(hw, "memory_lib_mb"), med(js, "memory_mb"), "MB", "—", null],
]

const table = [["scenario", "Hallway", "JavaScript", "ratio", "target", "met"]]
for (const [label, h, j, unit, target, pass] of rows) {
  const ratio = h !== null && j !== null && j > 0 ? `${(h / j).toFixed(2)}×` : "—"
  let met = "—"
  if (pass && h !== null) {
    const needsJs = pass.length > 1
    met = needsJs && j === null ? "?" : pass(h, j) ? "yes" : "NO"
  }
  table.push([label, fmt(h, unit).trim(), fmt(j, unit).trim(), ratio, target, met])
}
const widths = table[0].map((_, c) => Math.max(...table.map((r) => [...r[c]].length)))
const line = (r) => "| " + r.map((cell, c) => cell + " ".repeat(widths[c] - [...cell].length)).join(" | ") + " |"
console.log(line(table[0]))
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|")
for (const r of table.slice(1)) console.log(line(r))
const notes = []
if (js.memory_mb) notes.push("JavaScript memory = a Node process holding one RealtimeClient joined to the room plus plain maps.")
if (hw.typing_messages_per_min) notes.push(`typing: Hallway sends ${med(hw, "typing_messages_incl_stop")} incl. the stop after typing ends; JavaScript column = a naive client (one publish per keystroke).`)
if (hw.bigroom_size) notes.push(`big room: Hallway models held ${hw.bigroom_size.members} members / ${hw.bigroom_size.users} people; JavaScript maps ${js.bigroom_size?.members ?? "?"} / ${js.bigroom_size?.users ?? "?"}.`)
for (const n of notes) console.log("  " + n)
for (const e of errors) console.log("  ERROR " + e)
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ hallway: hw, javascript: js, app, errors }, null, 2) + "\n")
process.exit(errors.length ? 1 : 0)
