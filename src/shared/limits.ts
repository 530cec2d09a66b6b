// Every limit socklab enforces, stated once. The engine enforces them for every host (Electron,
// browser host, CLI); the README's limits table and the UI's error messages read them from here.

// ── HTTP server ──────────────────────────────────────────────────────────────


// ── Engine and hosts (endpoints, viewers) ─────────────────────────────────────


// ── Clients ──────────────────────────────────────────────────────────────────

/** Bytes one recv() or recvfrom() may return, in servers and clients alike (the course uses 1024 and 2048). */
export const RECV_SIZE_MIN = 1
export const RECV_SIZE_MAX = 65536

/** How long a TCP or UDP client waits in one blocking call (connect, recv) before it gives up. */
export const CLIENT_TIMEOUT_MIN_MS = 100
export const CLIENT_TIMEOUT_MAX_MS = 600_000
/** UDP loses datagrams: on loopback a reply comes at once or never, so a short wait. */
export const UDP_TIMEOUT_DEFAULT_MS = 5_000
/** Longer than a server's idle timeout: a client queued behind a silent one on an iterative server is still served. */
export const TCP_TIMEOUT_DEFAULT_MS = 60_000

/** A TCP server closes a connection that sends nothing for this long; 0 waits forever, as Python's does. */
export const IDLE_TIMEOUT_DEFAULT_MS = 30_000
export const IDLE_TIMEOUT_MAX_MS = 3_600_000

/** A sentence or a URL typed by a student: far longer than a console line. */
export const INPUT_MAX_CHARS = 65_536

