// The errors the server hands to clients. @prsm/realtime turns a thrown Error into the reply
// payload {error: message, code: err.code, name: err.name} (docs/protocol.md §3), so a CommandError's
// code arrives as it is; an HttpError refuses the WebSocket handshake with err.code as the HTTP
// status and the message as the body. README.md lists every code.
export class CommandError extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
    this.name = "HallwayError"
  }
}

export class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.code = status
  }
}

export const Codes = Object.freeze({
  BadPayload: "EBADPAYLOAD",   // a command's payload is not a JSON object
  BadRoom: "EBADROOM",         // room name missing, too long or with characters outside the rule
  BadText: "EBADTEXT",         // chat text missing or empty
  TooLong: "ETOOLONG",         // chat text over HALLWAY_MAX_CHAT_CHARS
  TooLarge: "ETOOLARGE",       // presence state or metadata over its byte cap
  BadMeta: "EBADMETA",         // metadata not an object, or an unknown merge strategy
  Forbidden: "EFORBIDDEN",     // trying to change userId, username or avatar
  NotMember: "ENOTMEMBER",     // chat of a room this connection has not joined
  TooManyRooms: "ETOOMANYROOMS", // more rooms (or presence subscriptions) than HALLWAY_MAX_ROOMS_PER_CONNECTION
  RateLimit: "ERATELIMIT",     // over a token bucket; the message says which and when to retry
  NoIdentity: "EAUTH",         // a command on a socket whose sign-in is missing or has expired
})
