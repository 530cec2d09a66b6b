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


// ── Clients ──────────────────────────────────────────────────────────────────

