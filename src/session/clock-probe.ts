// Aligns the lab's clock (LabEvent.time, from performance.now()) with the capture's (the kernel's
// timestamps on packets, µs since the epoch) by measuring, not assuming: a probe datagram to
// itself on loopback is stamped by the lab just before its sendto() and again once the send has
// returned; the kernel stamps the packet in between. So each probe bounds the lab's time 0, on
// the capture's clock, from both sides; the probes of a round narrow it to their intersection.

import dgram from 'node:dgram'
import type { WirePacket } from '../shared/wire'

/** The lab's time 0 on the capture's clock, and how far from it the truth may lie (µs). */
export interface ClockAlignment {
  zero: number
  bound: number
}

/** Probes per round: the tightest of them bounds the offset. */
const PROBES = 8
/** Datagram lengths say which probe a packet is: 1..MAX_LENGTH, reused round after round. */
const MAX_LENGTH = 200

interface Pending {
  round: number
  /** Lab times (µs) just before the sendto() and once it had returned. */
  before: number
  after: number
}

export class ClockProbe {
  private socket?: dgram.Socket
  private port = 0
  private readonly pending = new Map<number, Pending>()
  private next = 1
  private round = 0
  /** The current round's interval for the lab's time 0, on the capture's clock. */
  private low = -Infinity
  private high = Infinity
  private lowRound = 0
  private measured?: ClockAlignment

  /** @param now the lab's clock: µs since its time 0, as LabEvent.time is stamped */
  constructor(private readonly now: () => number) {}

  /** Binds the probe's socket (once); its port is then captured with the lab's. */
  async open(): Promise<number> {
    if (this.socket) return this.port
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject)
        resolve()
      })
    })
    // Probes come back to it: nothing to read, only keep the buffer empty.
    socket.on('message', () => undefined)
    socket.unref()
    this.socket = socket
    this.port = socket.address().port
    return this.port
  }

  /** Sends a round of probes, one after the other (a capture that has just started must see them). */
  async send(): Promise<void> {
    const socket = this.socket
    if (!socket) return
    const round = ++this.round
    for (let i = 0; i < PROBES; i++) {
      const length = this.next
      this.next = (this.next % MAX_LENGTH) + 1
      const before = this.now()
      const sent = await new Promise<boolean>((resolve) => socket.send(Buffer.alloc(length), this.port, '127.0.0.1', (err) => resolve(!err)))
      const after = this.now()
      if (sent) this.pending.set(length, { round, before, after })
    }
  }

  /** Whether `p` is a probe (the capture keeps none of them); a probe narrows the alignment. */
  take(p: WirePacket): boolean {
    if (this.port === 0 || p.proto !== 'UDP' || p.src.port !== this.port || p.dst.port !== this.port) return false
    const probe = this.pending.get(p.length)
    if (!probe) return true
    this.pending.delete(p.length)
    // A new round starts afresh: the system's clock may have been set since the last.
    if (probe.round > this.lowRound) {
      this.lowRound = probe.round
      this.low = -Infinity
      this.high = Infinity
    } else if (probe.round < this.lowRound) return true
    // The kernel stamped the packet between `before` and `after`: time 0 lies between these.
    const low = Math.max(this.low, p.time - probe.after)
    const high = Math.min(this.high, p.time - probe.before)
    // Disjoint intervals mean the clocks moved between probes: keep the newest alone.
    ;[this.low, this.high] = low <= high ? [low, high] : [p.time - probe.after, p.time - probe.before]
    // Packet times are whole µs: half a µs more either way.
    this.measured = { zero: Math.round((this.low + this.high) / 2), bound: Math.ceil((this.high - this.low) / 2 + 0.5) }
    return true
  }

  /** The alignment measured last, if any probe was captured yet. */
  get alignment(): ClockAlignment | undefined {
    return this.measured
  }

  close(): void {
    this.socket?.close()
    this.socket = undefined
  }
}
