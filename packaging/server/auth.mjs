// Who is connecting: the identity of a WebSocket handshake, from a signed token (production) or
// from the query string (development only). The identity is {userId, username, avatar?, expiresAt?}
// and nothing a client says later can change it (see gate.mjs).
//
// The rule when both are enabled: a request that carries a token (Authorization: Bearer, or
// ?token=) is judged by the token alone, and a bad token is refused (no fallback to ?user=);
// a request without a token uses ?user=&name= only when HALLWAY_DEV_AUTH=1.
import { jwtVerify, errors as joseErrors } from "jose"
import { HttpError } from "./errors.mjs"

// Development user ids: what the local stack, the demo people and the tests use.
const DEV_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/
// A token's subject is the identity provider's choice (e.g. "auth0|5f3a…", an email, a UUID):
// any printable text without spaces, at most 128 characters.
const SUBJECT = /^[^\s\p{Cc}]{1,128}$/u
const MAX_NAME_CHARS = 64

export function tokenFromRequest(req, url) {
  const header = req.headers.authorization || ""
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (match) return match[1]
  return url.searchParams.get("token") || ""
}

// Display names are plain text: no control characters, trimmed, at most 64 characters.
export function cleanName(raw, fallback) {
  const text = typeof raw === "string" ? raw.replace(/\p{Cc}/gu, " ").trim() : ""
  return text ? [...text].slice(0, MAX_NAME_CHARS).join("") : fallback
}

export function cleanAvatar(raw) {
  if (typeof raw !== "string" || raw.length > 2048) return undefined
  try {
    return new URL(raw).protocol === "https:" ? raw : undefined
  } catch {
    return undefined
  }
}

export function createAuthenticator(auth) {
  const algorithms = [...(auth.secret ? ["HS256"] : []), ...auth.publicKeyAlgorithms]
  // The key follows the token's declared algorithm, and only algorithms we configured are allowed,
  // so a token "signed" with the public key as an HMAC secret is refused (no algorithm confusion).
  const keyFor = (header) => (header.alg === "HS256" ? auth.secret : auth.publicKey)

  async function fromToken(token) {
    if (algorithms.length === 0) throw new HttpError(401, "Unauthorized: this server does not accept tokens")
    let payload
    try {
      ({ payload } = await jwtVerify(token, keyFor, {
        algorithms,
        requiredClaims: ["exp", "sub"],
        issuer: auth.issuer,
        audience: auth.audience,
        clockTolerance: auth.clockSkewSeconds,
      }))
    } catch (e) {
      throw new HttpError(401, `Unauthorized: ${describeTokenError(e)}`)
    }
    if (typeof payload.sub !== "string" || !SUBJECT.test(payload.sub)) {
      throw new HttpError(401, "Unauthorized: the token's subject (sub) is not a usable user id")
    }
    const identity = {
      userId: payload.sub,
      username: cleanName(payload.name, payload.sub),
      expiresAt: payload.exp * 1000,
      via: "token",
    }
    const avatar = cleanAvatar(payload.picture)
    if (avatar) identity.avatar = avatar
    return identity
  }

  function fromQuery(url) {
    const userId = (url.searchParams.get("user") || "").trim()
    if (!DEV_USER_ID.test(userId)) throw new HttpError(401, "Unauthorized: ?user=<id> is missing or malformed")
    const identity = { userId, username: cleanName(url.searchParams.get("name"), userId), via: "dev" }
    const avatar = cleanAvatar((url.searchParams.get("avatar") || "").trim())
    if (avatar) identity.avatar = avatar
    return identity
  }

  return async function identify(req) {
    const url = new URL(req.url, "ws://localhost")
    const token = tokenFromRequest(req, url)
    if (token) return fromToken(token)
    if (auth.dev) return fromQuery(url)
    throw new HttpError(401, "Unauthorized: a signed token is required (Authorization: Bearer or ?token=)")
  }
}

// A short reason for the log and the 401 body; never the token itself.
function describeTokenError(e) {
  if (e instanceof joseErrors.JWTExpired) return "the token has expired"
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `the token's "${e.claim}" claim is ${e.reason === "missing" ? "missing" : "not accepted"}`
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return "the token's signature is not valid"
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted"
  if (e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JWSInvalid) return "the token is malformed"
  return "the token is not accepted"
}
