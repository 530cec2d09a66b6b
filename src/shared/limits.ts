// Every limit socklab enforces, stated once. The engine enforces them for every host (Electron,
// browser host, CLI); the README's limits table and the UI's error messages read them from here.

// ── HTTP server ──────────────────────────────────────────────────────────────


// ── Engine and hosts (endpoints, viewers) ─────────────────────────────────────

/** Servers and clients one lab runs at once: a lab is a server and a few clients per protocol (about 27 with every tab), with room for a demo. */
export const MAX_ENDPOINTS_PER_LAB = 64

/** Lab windows (WebSocket viewers) one browser host serves at once: a student's, a projector's, a few reloads. */
export const MAX_VIEWERS = 8

/** Bytes queued for one viewer beyond which it is fed from the ring as it finds room (events that leave the ring first are skipped and reported). */
export const VIEWER_SKIP_ABOVE_BYTES = 4 * 2 ** 20

/** Bytes queued for one viewer beyond which it is dropped when a reply is due; above the largest reply (a full history() is about 18 MB). */
export const VIEWER_DROP_ABOVE_BYTES = 64 * 2 ** 20


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

