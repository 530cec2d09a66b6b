// The browser host's wire format: the LabApi contract carried over one WebSocket.
// Page URL: http://127.0.0.1:PORT/?token=T   WebSocket: ws://127.0.0.1:PORT/lab?token=T

import type { Reply } from './contract'
import type { LabEvent } from './events'
import type { WirePacket } from './wire'

export const WS_PATH = '/lab'
export const TOKEN_PARAM = 'token'

/** Browser → host: call one verb. `id` pairs the reply with the call. */
export interface CallMessage {
  id: number
  verb: string
  args: unknown[]
}

/**
 * Host → browser: the reply to a call, a batch of events in order, or a batch of captured packets.
 * `packetsSkipped` on a packet batch counts the packets left out before it because the window read too
 * slowly (packets give way so that events never have to); when no packet follows, the count comes
 * alone, with an empty batch.
 */
export type HostMessage = { id: number; reply: Reply<unknown> } | { events: LabEvent[] } | { packets: WirePacket[]; packetsSkipped?: number }

/** The pcapng of the lab's capture, for the browser's download (the page's token is required). */
export const PCAPNG_PATH = '/capture.pcapng'

/**
 * Host → browser, sent before the next batch once a window that fell behind (it read too slowly)
 * catches up: the events it missed, seq firstSeq..lastSeq, so the UI can say so. A window that
 * does not know this message ignores it: it has neither `events` nor an `id` anyone waits for.
 */
export interface SkippedMessage {
  skipped: { events: number; firstSeq: number; lastSeq: number }
}
