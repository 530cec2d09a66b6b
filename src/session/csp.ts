// The renderer's Content-Security-Policy, sent by both hosts: our own scripts only, nothing remote.
// Inline styles are allowed because xterm.js positions its rows with them.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // 'self' also admits ws:// to the page's own host and port (the browser host's WebSocket).
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
