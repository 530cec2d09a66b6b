// The browser host's wire format: the LabApi contract carried over one WebSocket.
// Page URL: http://127.0.0.1:PORT/?token=T   WebSocket: ws://127.0.0.1:PORT/lab?token=T

import type { Reply } from './contract'
import type { LabEvent } from './events'

export const WS_PATH = '/lab'
export const TOKEN_PARAM = 'token'

/** Browser → host: call one verb. `id` pairs the reply with the call. */
export interface CallMessage {
  id: number
  verb: string
  args: unknown[]
}

/** Host → browser: either the reply to a call, or a batch of events in order. */
export type HostMessage = { id: number; reply: Reply<unknown> } | { events: LabEvent[] }

/**
 * Host → browser, sent before the next batch once a window that fell behind (it read too slowly)
 * catches up: the events it missed, seq firstSeq..lastSeq, so the UI can say so. A window that
 * does not know this message ignores it: it has neither `events` nor an `id` anyone waits for.
 */
export interface SkippedMessage {
  skipped: { events: number; firstSeq: number; lastSeq: number }
}
