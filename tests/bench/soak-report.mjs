#!/usr/bin/env node
// Prints the soak test's figures (the JSON soak.mjs wrote) as Markdown tables.
//   node tests/bench/soak-report.mjs soak-results.json
import fs from "node:fs"

const r = JSON.parse(fs.readFileSync(process.argv[2], "utf8"))
const s = r.settings
const f1 = (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(1))
const f0 = (x) => (x === null || x === undefined ? "–" : String(Math.round(x)))
const lines = []
const say = (x = "") => lines.push(x)
const table = (head, rows) => {
  say(`| ${head.join(" | ")} |`)
  say(`|${head.map(() => "---").join("|")}|`)
  for (const row of rows) say(`| ${row.join(" | ")} |`)
  say()
}

say(`Soak: ${s.people} people in ${s.rooms} rooms (${r.ramp?.watchers} watching presence and chat), ${s.instances} instances behind HAProxy, ` +
  `${Math.round(s.duration / 60 * 10) / 10} min; a message every ${s.messageEvery} s, away every ${s.awayEvery} s, ` +
  `closing the app every ${s.leaveEvery} s per person (means). Ramp-up: ${r.ramp?.people} connections in ${f1(r.ramp?.ms / 1000)} s, ${r.ramp?.failed} failed.`)
say()

say("**Chat: acknowledged messages vs delivered, per observer**")
say()
table(["observer", "instance", "sent (acked)", "delivered", "exactly once", "duplicated", "missing", "extra", "reconnects", "latency p50 / p99 ms", "metadata lookups refused"],
  Object.entries(r.chat).map(([name, c]) => [name, c.instance, c.sent, c.delivered, c.exactlyOnce, c.duplicated,
    c.missing + (c.missingSentAt ? ` (sent ${c.missingSentAt[0]}–${c.missingSentAt[1]} s)` : ""), c.extra, c.reconnects,
    `${f0(c.latency.p50)} / ${f0(c.latency.p99)}`, c.metadataRefused ?? "–"]))
say(`Connections closed by the servers' frame limit (1008): ${JSON.stringify(r.rateLimitCloses ?? {})}. ` +
  `Graceful stops: ${(r.stops ?? []).filter((x) => x.connections > 0).map((x) => `${x.connections} connections, cleanup ${x.cleanup} in ${x.cleanupMs} ms, close ${x.result} in ${x.closeMs} ms`).join("; ") || "–"}.`)
say()

say("**Faults: time until the room is one again** (s after the fault; Redis = the presence set equals the connections people hold; observers = every hallway-cli observer's member lists equal it too)")
say()
table(["fault (at s)", "people back", "Redis = truth", "observers agree", "converged", "max ghosts", "max missing", "nameless max → end", "consistent before"],
  r.faults.map((f) => [`${f.label} (${f0(f.at)})`, f1(f.everyoneBackAt), f1(f.redisAt), f1(f.observersAt), f1(f.convergedAt),
    f.maxGhosts, f.maxMissing, `${f.maxNameless ?? "–"} → ${f.namelessAtEnd ?? "–"}`, f.consistentBefore ? "yes" : "no"]))

say("**Event latency** (a presence state published by one client until another client's callback; ms)")
say()
table(["path", "instances", "samples", "p50", "p99", "max", "p50 / p99 away from faults (±30 s)"],
  Object.entries(r.latency).map(([name, l]) => [name === "lb" ? "through HAProxy" : "direct to an instance", l.instances.join("→"),
    l.all.n, f1(l.all.p50), f1(l.all.p99), f1(l.all.max), `${f1(l.calm.p50)} / ${f1(l.calm.p99)}`]))

// Per-minute averages of the samples.
const byMinute = new Map()
for (const x of r.samples) {
  const m = Math.floor((x.t - (r.startAt ?? 0)) / 60)
  if (!byMinute.has(m)) byMinute.set(m, [])
  byMinute.get(m).push(x)
}
const procNames = Object.keys(r.samples.at(-1)?.procs ?? {}).filter((n) => n !== "conductor")
const avg = (xs) => { const v = xs.filter((x) => x !== null && x !== undefined); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null }
const last = (xs) => xs.filter((x) => x !== null && x !== undefined).at(-1)
say("**CPU (% of one core, mean) and RSS (MB, end of minute) per process; Redis memory; connections per instance**")
say()
table(["min", ...procNames.map((n) => `${n} cpu / rss`), "redis used MB", "keys", "connections"],
  [...byMinute].sort((a, b) => a[0] - b[0]).map(([m, xs]) => [m < 0 ? "ramp" : m,
    ...procNames.map((n) => `${f0(avg(xs.map((x) => x.procs[n]?.cpu)))} / ${f0(last(xs.map((x) => x.procs[n]?.rssMB)))}`),
    f1(last(xs.map((x) => x.redisUsed)) / 1048576), last(xs.map((x) => x.dbsize)) ?? "–",
    (last(xs.map((x) => x.connections)) ?? []).map((c) => c ?? "down").join(" / ")]))

const kinds = [...new Set(r.keySamples.flatMap((k) => Object.keys(k.counts)))].sort()
say("**Redis keys by kind** (SCAN; at start, every minute, at the end)")
say()
table(["t (s)", ...kinds, "rt:connections", "rt:connection-meta"],
  r.keySamples.map((k) => [k.t, ...kinds.map((n) => k.counts[n] ?? 0), k.hashes["rt:connections"], k.hashes["rt:connection-meta"]]))

say(`People: ${JSON.stringify(r.people?.counts)}; errors: ${JSON.stringify(r.people?.errors)}; unacknowledged sends: ${r.people?.unacked}.`)
if (r.error) say(`Run failed: ${r.error}`)
console.log(lines.join("\n"))
