// How events read in the packet log: who sent to whom, and when.

import type { LabEvent, SockAddr } from '../../../shared/events'
import { formatSockAddr } from '../../../shared/events'

const show = (a: SockAddr | undefined): string => (a ? formatSockAddr(a) : '')

/** Source and destination as the bytes travelled: a read comes from the peer, a write goes to it. */
export function endpointsOf(e: LabEvent): { source: string; destination: string } {
  switch (e.kind) {
    case 'recv':
    case 'queued':
    case 'accept':
    case 'drop':
    case 'duplicate':
    case 'delay':
      // (A relay drops, duplicates or delays what came in to it: from the peer it came from.)
      return { source: show(e.remote), destination: show(e.local) }
    case 'ping':
      // A ping the server dropped came from the client, as its RECV row did.
      return e.detail.what === 'drop' ? { source: show(e.remote), destination: show(e.local) } : { source: show(e.local), destination: show(e.remote) }
    default:
      return { source: show(e.local), destination: show(e.remote) }
  }
}

/** Seconds since `base` (µs), with µs precision. */
export function relativeSeconds(time: number, base: number): string {
  return ((time - base) / 1e6).toFixed(6)
}

/** The Info column: the kind as a token (never translated), then the event's words (`info`: eventWords(e, t)). */
export function describe(e: LabEvent, info: string): string {
  return `${e.kind.toUpperCase()} ${info}`
}
