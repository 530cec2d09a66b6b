// The packets this window has received, bounded like the event store, with the conversations they
// form, the capture's status, the kernel's TCP states, and what the student selected in the wire
// views. Views read it with useSyncExternalStore and are told that it changed: at the next frame for
// what the student did, at most every PACKETS_REDRAW_MS and outside the frames for packets.

import type { KernelTcpReading, KernelTcpSnapshot } from '../../../shared/kernel-tcp'
import type { CaptureStatus, Conversation, WirePacket } from '../../../shared/wire'
import { FrameThrottle } from '../ui/frame-throttle'

/** Packets a window keeps; the oldest go (the pcapng export has them all). */
export const WINDOW_PACKETS = 50_000
/** Conversations remembered at most (as the engine's tracker). */
const MAX_CONVERSATIONS = 10_000
/**
 * Packets arriving redraw the views at most this often: ten times a second is as fast as anyone
 * reads a list, and a flood of packets must leave the window time for everything else.
 */
export const PACKETS_REDRAW_MS = 100

export interface CaptureSelection {
  /** A packet (WirePacket.no) picked in the wire view or the ladder. */
  packet?: number
  /** The conversation the ladder shows. */
  conversation?: string
  /** The socket call (LabEvent.seq) to select in the packet log, and a counter so the same one can be asked for again. */
  call?: { seq: number; nonce: number }
}

export interface CaptureStats {
  received: number
  /** Dropped by this window (full), or skipped by the host because the window read too slowly. */
  dropped: number
  skipped: number
  lastNo: number
}

const STEP_STATE: Partial<Record<NonNullable<WirePacket['step']>, Conversation['state']>> = {
  'handshake-1': 'handshake',
  'handshake-3': 'open',
  'client-close': 'closing',
  'server-close': 'closing',
  'last-ack': 'closed',
  reset: 'reset'
}

export class CaptureStore {
  private packets: WirePacket[] = []
  private readonly conversations = new Map<string, Conversation>()
  private readonly listeners = new Set<() => void>()
  private readonly redraw: FrameThrottle
  private version = 0
  status?: CaptureStatus
  kernel?: KernelTcpSnapshot
  selection: CaptureSelection = {}
  readonly stats: CaptureStats = { received: 0, dropped: 0, skipped: 0, lastNo: 0 }

  constructor(
    readonly capacity = WINDOW_PACKETS,
    schedule: (run: () => void) => void = (run) => requestAnimationFrame(run)
  ) {
    this.redraw = new FrameThrottle(
      () => {
        this.version++
        for (const listener of this.listeners) listener()
      },
      PACKETS_REDRAW_MS,
      schedule
    )
  }

  /** Takes in a batch (the host sends each packet once; as a safety net, packets seen already are skipped). */
  add = (input: readonly WirePacket[], skipped = 0): void => {
    const batch = input.length > 0 && input[0].no <= this.stats.lastNo ? input.filter((p) => p.no > this.stats.lastNo) : input
    this.stats.skipped += skipped
    if (batch.length === 0) return this.notifySoon()
    for (const p of batch) {
      this.packets.push(p)
      this.track(p)
    }
    this.stats.received += batch.length
    this.stats.lastNo = batch[batch.length - 1].no
    const over = this.packets.length - this.capacity
    if (over > 0) {
      const cut = over + Math.floor(this.capacity / 10)
      this.packets.splice(0, cut)
      this.stats.dropped += cut
    }
    this.notifySoon()
  }

  /** All packets held, oldest first. Live: read it, never change it. */
  all(): readonly WirePacket[] {
    return this.packets
  }

  conversation(id: string | undefined): Conversation | undefined {
    return id === undefined ? undefined : this.conversations.get(id)
  }

  allConversations(): Conversation[] {
    return [...this.conversations.values()]
  }

  /** The packets of one conversation, oldest first. */
  packetsOf(id: string): WirePacket[] {
    return this.packets.filter((p) => p.conversation === id)
  }

  setStatus(status: CaptureStatus): void {
    const before = this.status
    this.status = status
    // The poll's new packet count is news like the packets themselves; a new state, port or problem shows at once.
    const countOnly = before !== undefined && before.state === status.state && before.problem === status.problem && before.ports.join() === status.ports.join()
    if (countOnly) this.notifySoon()
    else this.notify()
  }

  /** A new reading of the kernel's states; "unchanged" (the host still has the rows held here) draws nothing again. */
  setKernel(kernel: KernelTcpReading): void {
    if ('unchanged' in kernel) return
    this.kernel = kernel
    this.notify()
  }

  select(change: Partial<CaptureSelection>): void {
    this.selection = { ...this.selection, ...change }
    this.notify()
  }

  /** Asks the packet log to select the call with this seq. */
  selectCall(seq: number): void {
    this.select({ call: { seq, nonce: (this.selection.call?.nonce ?? 0) + 1 } })
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Changes with every notification: the snapshot useSyncExternalStore compares. */
  getVersion = (): number => this.version

  private track(p: WirePacket): void {
    let c = this.conversations.get(p.conversation)
    if (!c) {
      const clientIsSrc = p.sender !== 'server'
      const syn = p.flags.includes('SYN') && !p.flags.includes('ACK')
      c = {
        id: p.conversation,
        proto: p.proto,
        family: p.family,
        client: clientIsSrc ? p.src : p.dst,
        server: clientIsSrc ? p.dst : p.src,
        sawStart: p.proto === 'UDP' || syn,
        firstTime: p.time,
        lastTime: p.time,
        packets: 0,
        state: p.proto === 'TCP' && syn ? 'handshake' : 'open'
      }
      this.conversations.set(p.conversation, c)
      if (this.conversations.size > MAX_CONVERSATIONS) this.conversations.delete(this.conversations.keys().next().value as string)
    }
    c.lastTime = p.time
    c.packets++
    const state = p.step && STEP_STATE[p.step]
    if (state) c.state = state
  }

  /** For what the student did (a selection): the next frame. */
  private notify(): void {
    this.redraw.nextFrame()
  }

  /**
   * For packets: PACKETS_REDRAW_MS after the last redraw at the earliest, in a task of its own:
   * during a flood every redraw fills the view with new rows, and rendering them in the frame that
   * also lays out and paints them made one task of 30–40 ms.
   */
  private notifySoon(): void {
    this.redraw.apart()
  }
}
