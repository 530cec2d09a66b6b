// Why the lab's own resets happened: a close() that left bytes unread is a close event with a
// `reset` detail, and the RST it made comes through the capture a moment later, from the same
// local address to the same remote one. This joins the two, so that the wire's label says why.

import type { LabEvent, SockAddr } from '../shared/events'
import type { ResetCause, WirePacket } from '../shared/wire'

/** Resets remembered at most: the RST follows its close within a fraction of a second. */
const MAX_RESETS = 1_000

/** An IPv4 peer of a dual-stack socket is ::ffff:127.0.0.1 to the socket API, 127.0.0.1 on the wire. */
const plain = (a: Pick<SockAddr, 'address' | 'port'>): string => `${a.address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')}:${a.port}`
const key = (from: Pick<SockAddr, 'address' | 'port'>, to: Pick<SockAddr, 'address' | 'port'>): string => `${plain(from)} ${plain(to)}`

export class ResetCauses {
  private readonly causes = new Map<string, ResetCause>()

  /** Remembers a close() that reset its connection. */
  note(e: LabEvent): void {
    if (e.kind !== 'close' || !e.detail.reset || !e.local || !e.remote) return
    const { unread, atLeast } = e.detail.reset
    const k = key(e.local, e.remote)
    this.causes.delete(k)
    this.causes.set(k, { why: 'unread', by: e.role, unread, atLeast })
    if (this.causes.size > MAX_RESETS) this.causes.delete(this.causes.keys().next().value!)
  }

  /** Sets the cause on a RST that one of the lab's close() calls sent (a cause the packets told is kept). */
  label(p: WirePacket): void {
    if (p.step !== 'reset' || p.reset) return
    const k = key(p.src, p.dst)
    const cause = this.causes.get(k)
    if (!cause) return
    p.reset = cause
    this.causes.delete(k)
  }
}
