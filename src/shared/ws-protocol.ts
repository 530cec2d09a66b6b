// The browser host's wire format: the LabApi contract carried over one WebSocket.
// Page URL: http://127.0.0.1:PORT/?token=T   WebSocket: ws://127.0.0.1:PORT/lab?token=T

import type { Reply } from './contract'
import type { FeedMessage, ReadyMessage } from './feed'

export type { SkippedMessage } from './feed'

export const WS_PATH = '/lab'
export const TOKEN_PARAM = 'token'

/** Browser → host: call one verb. `id` pairs the reply with the call. */
export interface CallMessage {
  id: number
  verb: string
  args: unknown[]
}

/** Browser → host: a call, or "ready" for a feed (shared/feed.ts). */
export type ViewerMessage = CallMessage | ReadyMessage

/** Host → browser: the reply to a call, or a message of a feed (events, packets, a skip notice). */
export type HostMessage = { id: number; reply: Reply<unknown> } | FeedMessage

/** The pcapng of the lab's capture, for the browser's download (the page's token is required). */
export const PCAPNG_PATH = '/capture.pcapng'
