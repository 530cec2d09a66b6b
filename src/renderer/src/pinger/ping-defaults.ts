// What a new Ping lab tab starts with: the assignment's 10 pings of one second each, and a pause
// between pings that lets a student watch the plot grow (the CLI sends the next at once).

export const PING_DEFAULTS = { count: 10, timeoutMs: 1000 } as const

/** The window's pause between pings, in ms. */
export const PING_WINDOW_INTERVAL_MS = 200
