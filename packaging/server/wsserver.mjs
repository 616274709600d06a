// The one place that reaches past @prsm/realtime's public API, without changing the package.
//
// RealtimeServer creates its ws WebSocketServer itself, with ws's defaults (maxPayload 100 MiB),
// and takes no ws options (docs/protocol.md §14). ws reads `options.maxPayload` at each upgrade, so
// setting it on that server's options before the first client is admitted caps every client
// frame: a larger one closes the socket with 1009 before it is buffered whole. The same server's
// "connection" event is the only place where a socket and its handshake request meet.
//
// @prsm/realtime is pinned to an exact version in package.json; this checks the shape it relies
// on and refuses to start if an upgrade changed it, and test/caps.test.mjs proves the cap.
export function hookSocketServer(server, { maxPayload, onSocket }) {
  const wss = server._wss
  if (!wss || typeof wss.on !== "function" || typeof wss.options !== "object" || !("maxPayload" in wss.options)) {
    throw new Error("@prsm/realtime no longer exposes its ws server as _wss: the frame cap cannot be set " +
      "(check wsserver.mjs against the installed version)")
  }
  wss.options.maxPayload = maxPayload
  wss.on("connection", onSocket)
}
