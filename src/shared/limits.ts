// Every limit socklab enforces, stated once. The engine enforces them for every host (Electron,
// browser host, CLI); the README's limits table and the UI's error messages read them from here.

// ── HTTP server ──────────────────────────────────────────────────────────────

/** A request line longer than this gets 414: no file name in a lab is that long. */
export const HTTP_MAX_REQUEST_LINE = 8 * 1024
/** A request head (the blank lines before it included) longer than this gets 431. */
export const HTTP_MAX_HEAD = 32 * 1024
/** Header lines in one request head; more get 431. */
export const HTTP_MAX_HEADER_LINES = 100
/** A request head must be complete this long after its first byte arrived, or 408 and close (Node's headersTimeout). */
export const HTTP_HEAD_DEADLINE_MS = 60_000
/** A connection that sends nothing for this long, with no reply on its way, is closed. */
export const HTTP_IDLE_MS = 15_000
/** A reply the client takes no bytes of for this long closes the connection (nginx's send_timeout). */
export const HTTP_SEND_STALL_MS = 60_000
/** Connections one HTTP server holds at once; the next one gets 503 and is closed. */
export const HTTP_MAX_CONNECTIONS = 512
/** How long a connection we have closed may wait for the peer's FIN. */
export const HTTP_LINGER_MS = 5_000
/** Download bytes queued in one server's sockets; beyond it each download sends one small chunk at a time. */
export const HTTP_STREAM_QUEUE_BUDGET = 64 * 1024 * 1024
/** Files up to this size are served from memory. */
export const HTTP_CACHED_FILE_MAX = 256 * 1024
/** Bytes the in-memory file cache of one server holds at most, its files' ready-made responses included (oldest evicted first). */
export const HTTP_CACHE_BYTES_MAX = 64 * 1024 * 1024
/** Files the in-memory file cache of one server holds at most. */
export const HTTP_CACHE_ENTRIES_MAX = 2000


// ── Engine and hosts (endpoints, viewers) ─────────────────────────────────────

/** Servers and clients one lab runs at once: a lab is a server and a few clients per protocol (about 27 with every tab), with room for a demo. */
export const MAX_ENDPOINTS_PER_LAB = 64

/** Lab windows (WebSocket viewers) one browser host serves at once: a student's, a projector's, a few reloads. */
export const MAX_VIEWERS = 8

/** Bytes queued for one viewer beyond which it is fed from the ring as it finds room (events that leave the ring first are skipped and reported). */
export const VIEWER_SKIP_ABOVE_BYTES = 4 * 2 ** 20

/** Bytes queued for one viewer beyond which it is dropped when a reply is due; above the most it is sent at once (the replay of a full ring of captured packets is about 25 MB). */
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

