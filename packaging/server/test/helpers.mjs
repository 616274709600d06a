// Test support for the server's own tests (node --test): a private redis-server and server.mjs
// instances on free loopback ports, a raw WebSocket client (ws) that speaks the wire protocol
// directly, so a test can send exactly what an attacker would, and token minting with jose.
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import net from "node:net"
import path from "node:path"
import { fileURLToPath } from "node:url"
import WebSocket from "ws"
import { SignJWT } from "jose"

export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
export const SECRET = "test-secret-for-hallway-node-tests-0123456789"
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Every process a test starts is killed when the test process ends, however it ends.
const children = new Set()
process.on("exit", () => { for (const c of children) c.kill("SIGKILL") })
function track(proc) {
  children.add(proc)
  proc.once("exit", () => children.delete(proc))
  return proc
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

export async function startRedis() {
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), "hallway-redis-"))
  const proc = track(spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir,
    "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: "ignore" }))
  const ping = () => new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write("PING\r\n"))
    s.once("data", (d) => { s.destroy(); resolve(d.toString().startsWith("+PONG")) })
    s.once("error", () => resolve(false))
  })
  await waitUntil(ping, 10000, "redis-server")
  return {
    port,
    async stop() {
      proc.kill("SIGKILL")
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Settings every test server gets unless the test overrides them.
const BASE_ENV = { HALLWAY_PING_INTERVAL: "5000", HALLWAY_LOG_LEVEL: "error" }

function spawnServer(env, port, redisPort) {
  const fullEnv = { PATH: process.env.PATH, ...BASE_ENV, HALLWAY_HOST: "127.0.0.1", HALLWAY_PORT: String(port),
    REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redisPort), ...env }
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k]
  const proc = track(spawn(process.execPath, ["server.mjs"], { cwd: serverDir, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] }))
  const out = { stdout: "", stderr: "" }
  proc.stdout.on("data", (d) => { out.stdout += d })
  proc.stderr.on("data", (d) => { out.stderr += d })
  return { proc, out }
}

// Starts server.mjs; resolves once it logs "listening". env entries set to undefined are removed.
export async function startServer(redis, env = {}) {
  const port = await freePort()
  const { proc, out } = spawnServer(env, port, redis.port)
  await waitUntil(() => {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${out.stdout}${out.stderr}`)
    return out.stdout.includes('"event":"listening"')
  }, 15000, "server.mjs to listen")
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    logs: () => out.stdout + out.stderr,
    alive: () => proc.exitCode === null,
    async stop() {
      if (proc.exitCode !== null) return
      proc.kill("SIGKILL")
      await new Promise((r) => proc.once("exit", r))
    },
  }
}

// Runs server.mjs expecting it to refuse to start: resolves {code, stderr}.
export async function startServerExpectingRefusal(redis, env) {
  const { proc, out } = spawnServer(env, await freePort(), redis.port)
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15000)
  const [code] = await new Promise((r) => proc.once("exit", (...a) => r(a)))
  clearTimeout(timer)
  return { code, stderr: out.stderr, stdout: out.stdout }
}

export function devUrl(server, user, name, extra = {}) {
  const u = new URL(server.url)
  if (user !== undefined) u.searchParams.set("user", user)
  if (name !== undefined) u.searchParams.set("name", name)
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v)
  return u.toString()
}

export function tokenUrl(server, token, extra = {}) {
  return devUrl(server, undefined, undefined, { token, ...extra })
}

export async function mint({ sub, name, picture, ttlSeconds = 3600, exp, secret = SECRET, alg = "HS256", key, claims = {}, omitExp = false }) {
  const payload = { ...claims }
  if (name !== undefined) payload.name = name
  if (picture !== undefined) payload.picture = picture
  let jwt = new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).setIssuedAt()
  if (sub !== undefined) jwt = jwt.setSubject(sub)
  if (!omitExp) jwt = jwt.setExpirationTime(exp ?? Math.floor(Date.now() / 1000) + ttlSeconds)
  return jwt.sign(key ?? new TextEncoder().encode(secret))
}

// A raw protocol client. connect() resolves once rt/assign-id arrived, or rejects with
// {status, body} when the handshake is refused.
export class RawClient {
  static connect(url, { headers } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers })
      const client = new RawClient(ws)
      ws.once("unexpected-response", (req, res) => {
        let body = ""
        res.on("data", (d) => { body += d })
        res.on("end", () => reject(Object.assign(new Error(`handshake refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })))
      })
      ws.once("error", (e) => reject(e))
      client.waitFor((f) => f.command === "rt/assign-id", 10000).then((f) => {
        client.id = f.payload
        resolve(client)
      }, reject)
    })
  }

  constructor(ws) {
    this.ws = ws
    this.frames = []
    this.waiters = []
    this.nextId = 1
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })))
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString())
      if (frame.command === "ping") this.sendRaw(JSON.stringify({ command: "pong", payload: {} }))
      this.frames.push(frame)
      for (const w of [...this.waiters]) if (w.match(frame)) { w.resolve(frame); this.waiters.splice(this.waiters.indexOf(w), 1) }
    })
  }

  waitFor(match, timeoutMs = 5000) {
    const seen = this.frames.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const w = { match, resolve }
      this.waiters.push(w)
      setTimeout(() => {
        const i = this.waiters.indexOf(w)
        if (i >= 0) { this.waiters.splice(i, 1); reject(new Error("timed out waiting for a frame")) }
      }, timeoutMs).unref()
    })
  }

  sendRaw(text) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text)
  }

  send(command, payload = {}) {
    const id = this.nextId++
    this.sendRaw(JSON.stringify({ id, command, payload }))
    return id
  }

  // The reply's payload (an error object {error, code, name} for a refusal).
  async command(command, payload = {}, timeoutMs = 5000) {
    const id = this.send(command, payload)
    const frame = await this.waitFor((f) => f.id === id && f.command === command, timeoutMs)
    return frame.payload
  }

  // Channel messages received on `channel`, parsed.
  channelMessages(channel) {
    return this.frames
      .filter((f) => f.command === "rt/subscription-message" && f.payload?.channel === channel)
      .map((f) => (typeof f.payload.message === "string" ? JSON.parse(f.payload.message) : f.payload.message))
  }

  async close() {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.close()
    await this.closed
  }
}

// Connects and expects the handshake to be refused; resolves the HTTP status and body.
export async function refusal(url, options) {
  try {
    const c = await RawClient.connect(url, options)
    await c.close()
  } catch (e) {
    if (e.status) return { status: e.status, body: e.body }
    throw e
  }
  throw new Error("the handshake was accepted")
}

export function isError(payload, code) {
  return payload !== null && typeof payload === "object" && typeof payload.error === "string" && payload.code === code
}
