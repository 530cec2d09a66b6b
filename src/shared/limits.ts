// Every limit socklab enforces, stated once. The engine enforces them for every host (Electron,
// browser host, CLI); the README's limits table and the UI's error messages read them from here.

// ── HTTP server ──────────────────────────────────────────────────────────────


// ── Engine and hosts (endpoints, viewers) ─────────────────────────────────────

/**
 * Endpoints (servers and clients) one lab runs at once. A student's lab is a server and a few
 * clients per protocol (3 × (1 + 8) = 27 with every "+ New client" tab a class uses); 64 leaves
 * room for an instructor's demo of many clients queueing on one iterative server. Each endpoint
 * holds at most a listening socket or one connection, so a page can never use up the descriptors
 * the host needs for its own page and WebSocket (29,978 endpoints exhausted them).
 */
export const MAX_ENDPOINTS_PER_LAB = 64

/** Lab windows (WebSocket viewers) one browser host serves at once: a student's window, a projector's, a few reloads. */
export const MAX_VIEWERS = 8

/**
 * Bytes waiting to be sent to one viewer beyond which its events are skipped (and counted, and the
 * count sent once it catches up). A window that reads keeps this near 0: the system's own socket
 * buffers (several MB on loopback) absorb the bursts.
 */
export const VIEWER_SKIP_ABOVE_BYTES = 4 * 2 ** 20

/**
 * Bytes waiting for one viewer beyond which it is dropped: it has read nothing for a long while,
 * so even the replies to its calls cannot reach it. Above the largest reply (history(): a full
 * ring of 50,000 events with previews is about 30 MB), so one big reply never drops a live window.
 */
export const VIEWER_DROP_ABOVE_BYTES = 64 * 2 ** 20


// ── Clients ──────────────────────────────────────────────────────────────────

