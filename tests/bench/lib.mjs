// Shared helpers for the benchmark's Node scripts (loadgen.mjs, js-bench.mjs, ...): load the official
// client and `ws` from packaging/server/node_modules (the scripts live outside that package), and
// install `ws` as globalThis.WebSocket, which RealtimeClient needs on Node 20 (docs/protocol.md §11).
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"
import path from "node:path"

const here = path.dirname(fileURLToPath(import.meta.url))
export const serverDir = process.env.HALLWAY_SERVER_DIR || path.resolve(here, "../../packaging/server")
const require = createRequire(path.join(serverDir, "package.json"))

export const WebSocket = require("ws")
globalThis.WebSocket ??= WebSocket
export const { RealtimeClient } = await import(pathToFileURL(require.resolve("@prsm/realtime/client")).href)

export const now = () => Number(process.hrtime.bigint()) / 1e6 // ms, monotonic, fractional

export function median(xs) {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (!s.length) return null
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b)
  if (!s.length) return null
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[i]
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Runs fn(i) for i in [0, n) with at most `limit` in flight.
export async function pool(n, limit, fn) {
  let next = 0
  const worker = async () => { while (next < n) { const i = next++; await fn(i) } }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
}

export function parseArgs(argv, defaults) {
  const out = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith("--")) continue
    const [k, v] = a.includes("=") ? [a.slice(2, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a.slice(2), argv[i + 1]?.startsWith("--") ? "true" : argv[++i]]
    const key = k.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    out[key] = typeof defaults[key] === "number" ? Number(v) : v ?? "true"
  }
  return out
}

// A tiny HTTP/JSON client for the load generator's control endpoint.
export async function control(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  const json = await res.json()
  if (!res.ok || json.error) throw new Error(`loadgen ${body.op}: ${json.error || res.status}`)
  return json
}
