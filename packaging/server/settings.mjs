// Every setting of the server, read once from the environment and checked, so that a wrong value
// stops the server at start-up with a sentence instead of misbehaving later. README.md, "Server
// settings", lists them with their defaults; keep the two in step.
import { readFileSync } from "node:fs"
import { createPublicKey } from "node:crypto"

export class SettingsError extends Error {}

const KIB = 1024

export function loadSettings(env = process.env) {
  const num = (name, fallback, { min = 0, integer = true } = {}) => {
    const raw = env[name]
    if (raw === undefined || raw === "") return fallback
    const value = Number(raw)
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new SettingsError(`${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${raw}"`)
    }
    return value
  }
  const flag = (name) => /^(1|true|yes|on)$/i.test(env[name] ?? "")
  // A rate is "<tokens per second>:<burst>", e.g. "5:20"; "off" or "0" turns that one bucket off.
  const rate = (name, fallback) => {
    const raw = (env[name] ?? "").trim() || fallback
    if (/^(off|0)$/i.test(raw)) return null
    const match = /^(\d+(?:\.\d+)?):(\d+)$/.exec(raw)
    if (!match || Number(match[1]) <= 0 || Number(match[2]) < 1) {
      throw new SettingsError(`${name} must be "<per second>:<burst>" (e.g. 5:20) or "off", got "${raw}"`)
    }
    return { perSecond: Number(match[1]), burst: Number(match[2]) }
  }

  const s = {
    host: env.HALLWAY_HOST || "127.0.0.1",
    port: num("HALLWAY_PORT", 8080),
    redis: {
      host: env.REDIS_HOST || "127.0.0.1",
      port: num("REDIS_PORT", 6379),
      db: num("REDIS_DB", 0),
      password: env.REDIS_PASSWORD || undefined,
    },
    pingInterval: num("HALLWAY_PING_INTERVAL", 5000, { min: 100 }),
    latencyInterval: num("HALLWAY_LATENCY_INTERVAL", 5000, { min: 100 }),
    maxMissedPongs: num("HALLWAY_MAX_MISSED_PONGS", 1),
    shutdownGraceMs: num("HALLWAY_SHUTDOWN_GRACE", 3000),
    logLevel: env.HALLWAY_LOG_LEVEL || "error",
  }
  // The presence TTL is only refreshed by pongs, so it must outlive at least two ping periods
  // (docs/protocol.md §6.4); it is what makes a crashed instance's ghosts leave within seconds.
  s.presenceTtl = Math.max(num("HALLWAY_PRESENCE_TTL", s.pingInterval * 2 + 2000), s.pingInterval * 2 + 1000)

  s.auth = loadAuth(env, num, flag)

  s.caps = {
    frameBytes: num("HALLWAY_MAX_FRAME_BYTES", 256 * KIB, { min: 4 * KIB }),
    stateBytes: num("HALLWAY_MAX_STATE_BYTES", 16 * KIB, { min: 64 }),
    metadataBytes: num("HALLWAY_MAX_METADATA_BYTES", 8 * KIB, { min: 256 }),
    roomNameChars: num("HALLWAY_MAX_ROOM_NAME", 64, { min: 1 }),
    roomsPerConnection: num("HALLWAY_MAX_ROOMS_PER_CONNECTION", 50, { min: 1 }),
    chatChars: num("HALLWAY_MAX_CHAT_CHARS", 4000, { min: 1 }),
    historyCount: num("HALLWAY_HISTORY", 200),
    historyBytes: num("HALLWAY_MAX_HISTORY_BYTES", 512 * KIB, { min: 1 }),
    roomsListed: num("HALLWAY_ROOMS_LIST_MAX", 100, { min: 1 }),
    roomsScanned: num("HALLWAY_ROOMS_LIST_SCAN", 1000, { min: 1 }),
    connectionsPerUser: num("HALLWAY_MAX_CONNECTIONS_PER_USER", 16),
  }
  const c = s.caps
  // A stored chat message is its text (at most 3 UTF-8 bytes per UTF-16 unit) plus an envelope of
  // ids, names and a timestamp, each itself capped; this is the most one message can take.
  c.chatMessageBytes = c.chatChars * 3 + 1 * KIB
  const largest = Math.max(c.stateBytes, c.metadataBytes)
  if (c.frameBytes < largest + KIB) {
    throw new SettingsError(`HALLWAY_MAX_FRAME_BYTES (${c.frameBytes}) must be at least 1 KiB more than the largest ` +
      `state or metadata it has to carry (HALLWAY_MAX_STATE_BYTES ${c.stateBytes}, HALLWAY_MAX_METADATA_BYTES ${c.metadataBytes})`)
  }
  if (c.historyCount > 0 && c.historyBytes < c.chatMessageBytes) {
    throw new SettingsError(`HALLWAY_MAX_HISTORY_BYTES (${c.historyBytes}) must hold at least one message of ` +
      `HALLWAY_MAX_CHAT_CHARS characters (${c.chatMessageBytes} bytes)`)
  }
  if (c.roomsScanned < c.roomsListed) {
    throw new SettingsError(`HALLWAY_ROOMS_LIST_SCAN (${c.roomsScanned}) must be at least HALLWAY_ROOMS_LIST_MAX (${c.roomsListed})`)
  }

  const limitsOn = !/^(off|0|false|no)$/i.test(env.HALLWAY_RATE_LIMITS ?? "")
  const r = (name, fallback) => (limitsOn ? rate(name, fallback) : null)
  s.rates = {
    enabled: limitsOn,
    connection: {
      frames: r("HALLWAY_RATE_FRAMES", "100:600"),
      commands: r("HALLWAY_RATE_COMMANDS", "50:300"),
      states: r("HALLWAY_RATE_STATES", "10:60"),
      chat: r("HALLWAY_RATE_CHAT", "5:20"),
      joins: r("HALLWAY_RATE_JOINS", "5:50"),
    },
    user: {
      commands: r("HALLWAY_USER_RATE_COMMANDS", "150:900"),
      states: r("HALLWAY_USER_RATE_STATES", "30:180"),
      chat: r("HALLWAY_USER_RATE_CHAT", "10:40"),
      joins: r("HALLWAY_USER_RATE_JOINS", "10:100"),
    },
  }
  return s
}

function loadAuth(env, num, flag) {
  if (env.HALLWAY_TOKEN) {
    throw new SettingsError("HALLWAY_TOKEN (one shared secret for everybody) is no longer supported: " +
      "set HALLWAY_AUTH_SECRET and give each person a signed token (packaging/server/mint-token.mjs)")
  }
  const auth = {
    dev: flag("HALLWAY_DEV_AUTH"),
    secret: null,
    publicKey: null,
    publicKeyAlgorithms: [],
    issuer: env.HALLWAY_AUTH_ISSUER || undefined,
    audience: env.HALLWAY_AUTH_AUDIENCE || undefined,
    clockSkewSeconds: num("HALLWAY_AUTH_CLOCK_SKEW", 30),
  }
  if (env.HALLWAY_AUTH_SECRET) {
    const secret = Buffer.from(env.HALLWAY_AUTH_SECRET, "utf8")
    if (secret.length < 32) {
      throw new SettingsError("HALLWAY_AUTH_SECRET must be at least 32 bytes (e.g. `openssl rand -base64 48`)")
    }
    auth.secret = new Uint8Array(secret)
  }
  if (env.HALLWAY_AUTH_PUBLIC_KEY) {
    let key
    try {
      key = createPublicKey(readFileSync(env.HALLWAY_AUTH_PUBLIC_KEY))
    } catch (e) {
      throw new SettingsError(`HALLWAY_AUTH_PUBLIC_KEY: cannot read a PEM public key from ${env.HALLWAY_AUTH_PUBLIC_KEY}: ${e.message}`)
    }
    if (key.asymmetricKeyType === "rsa") auth.publicKeyAlgorithms = ["RS256"]
    else if (key.asymmetricKeyType === "ed25519") auth.publicKeyAlgorithms = ["EdDSA", "Ed25519"]
    else throw new SettingsError(`HALLWAY_AUTH_PUBLIC_KEY must be an RSA (RS256) or Ed25519 (EdDSA) key, not ${key.asymmetricKeyType}`)
    auth.publicKey = key
  }
  if (!auth.dev && !auth.secret && !auth.publicKey) {
    throw new SettingsError("no sign-in is configured. For production set HALLWAY_AUTH_SECRET (HS256 tokens, see " +
      "mint-token.mjs) and/or HALLWAY_AUTH_PUBLIC_KEY (an identity provider's RS256/EdDSA key); for local " +
      "development only, set HALLWAY_DEV_AUTH=1 (then ?user=&name= is believed, so anyone can be anyone)")
  }
  return auth
}
