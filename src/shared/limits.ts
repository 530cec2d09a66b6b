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

