// Why the lab's own resets happened: a close() that left bytes unread is a close event with a
// `reset` detail (a client stopped by Cancel: reason 'client-stopped'), and the RST it made comes
// through the capture a moment later, from the same local address to the same remote one. This
// joins the two, so that the wire's label says why.

import type { LabEvent, SockAddr } from '../shared/events'
import type { ResetCause, WirePacket } from '../shared/wire'

/** Resets remembered at most: the RST follows its close within a fraction of a second. */
const MAX_RESETS = 1_000
/** How long after its close (µs) a RST is taken to be that close's: a 4-tuple used again much later is another connection. */
const RESET_WITHIN_US = 5_000_000

/** An IPv4 peer of a dual-stack socket is ::ffff:127.0.0.1 to the socket API, 127.0.0.1 on the wire. */
const plain = (a: Pick<SockAddr, 'address' | 'port'>): string => `${a.address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')}:${a.port}`
const key = (from: Pick<SockAddr, 'address' | 'port'>, to: Pick<SockAddr, 'address' | 'port'>): string => `${plain(from)} ${plain(to)}`

export class ResetCauses {
  private readonly causes = new Map<string, { cause: ResetCause; at: number }>()

  /** @param labZero the lab's time 0 (LabEvent.time) in µs since the epoch, the packets' clock. */
  constructor(private readonly labZero: () => number) {}

  /** Remembers a close() that reset its connection. */
  note(e: LabEvent): void {
    if (e.kind !== 'close' || !e.local || !e.remote) return
    // A Cancel resets only if the reply was still coming: kept in case a RST follows.
    const cancelled = e.detail.reason === 'client-stopped' && e.proto !== 'UDP'
    if (!e.detail.reset && !cancelled) return
    const k = key(e.local, e.remote)
    this.causes.delete(k)
    const cause: ResetCause = e.detail.reset ? { why: 'unread', by: e.role, ...e.detail.reset } : { why: 'cancelled', by: e.role }
    this.causes.set(k, { cause, at: this.labZero() + e.time })
    if (this.causes.size > MAX_RESETS) this.causes.delete(this.causes.keys().next().value!)
  }

  /**
   * Sets the cause on a RST that one of the lab's close() calls sent. A refused SYN is kept (the
   * packets are sure of it); the packets' guess 'after-data' gives way to the close that says more.
   */
  label(p: WirePacket): void {
    if (p.step !== 'reset' || p.reset?.why === 'refused') return
    const k = key(p.src, p.dst)
    const noted = this.causes.get(k)
    if (!noted || Math.abs(p.time - noted.at) > RESET_WITHIN_US) return
    p.reset = noted.cause
    this.causes.delete(k)
  }
}
