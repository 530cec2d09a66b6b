// Follows each TCP connection and UDP exchange through its packets: who the client is (the SYN's
// sender), and which packets are the named steps of the handshake and the teardown. Pure: packets
// in, labels out, so it is tested on the packets of real captures.

import type { Role, SockAddr } from '../../shared/events'
import { analyseSegment, newSegmentHistory, type Conversation, type SegmentHistory, type WirePacket, type WireStep } from '../../shared/wire'

interface Tracked {
  conversation: Conversation
  synAckSeen: boolean
  handshakeDone: boolean
  /** Who sent a FIN, in order: the second FIN's receiver sends the last ACK. */
  fins: Role[]
  /** The seq just past each side's FIN: an ACK from the other side up to it has received the FIN. */
  finEnd: Partial<Record<Role, number>>
  /** The sides whose FIN the other side has acknowledged. */
  finAcked: Set<Role>
  /** The furthest each side acknowledged: the other side's data it received (ack counts the SYN, and a FIN). */
  maxAck: Partial<Record<Role, number>>
  /** Each side's furthest seq and last ACK: retransmissions and duplicate ACKs (analyseSegment). */
  segments: SegmentHistory
}

/** Conversations remembered at most: a long lab session must not grow without bound. */
export const MAX_CONVERSATIONS = 10_000

const sameAddr = (a: SockAddr, b: SockAddr): boolean => a.port === b.port && a.address === b.address

export class ConversationTracker {
  private readonly tracked = new Map<string, Tracked>()
  private tcpSeen = 0
  private udpSeen = 0

  /**
   * @param serverPorts the ports being watched: when a conversation's start was not captured,
   *   the side on one of these ports is taken to be the server.
   */
  constructor(
    private readonly serverPorts: readonly number[],
    private readonly maxConversations = MAX_CONVERSATIONS
  ) {}

  /** Sets `sender` and `step` on the packet and updates its conversation. */
  track(p: WirePacket): Conversation {
    const t = this.tracked.get(p.conversation) ?? this.open(p)
    const c = t.conversation
    c.lastTime = p.time
    c.packets++
    const sender: Role = sameAddr(p.src, c.client) ? 'client' : 'server'
    p.sender = sender
    if (p.proto === 'TCP') {
      p.step = this.step(t, p, sender)
      const analysis = analyseSegment(t.segments, p, sender)
      if (analysis) p.analysis = analysis
    }
    return c
  }

  get(id: string): Conversation | undefined {
    return this.tracked.get(id)?.conversation
  }

  /** Oldest first. */
  conversations(): Conversation[] {
    return [...this.tracked.values()].map((t) => t.conversation)
  }

  /** Conversations seen since the start, including any forgotten to stay within the bound. */
  counts(): { tcp: number; udp: number } {
    return { tcp: this.tcpSeen, udp: this.udpSeen }
  }

  private open(p: WirePacket): Tracked {
    const syn = p.flags.includes('SYN')
    const ack = p.flags.includes('ACK')
    let clientIsSrc: boolean
    if (syn) clientIsSrc = !ack
    else if (this.serverPorts.includes(p.dst.port) && !this.serverPorts.includes(p.src.port)) clientIsSrc = true
    else if (this.serverPorts.includes(p.src.port) && !this.serverPorts.includes(p.dst.port)) clientIsSrc = false
    else clientIsSrc = true
    const tcp = p.proto === 'TCP'
    const conversation: Conversation = {
      id: p.conversation,
      proto: p.proto,
      family: p.family,
      client: clientIsSrc ? p.src : p.dst,
      server: clientIsSrc ? p.dst : p.src,
      // A UDP exchange has no start to miss; a TCP one is whole only from its SYN.
      sawStart: tcp ? syn && !ack : true,
      firstTime: p.time,
      lastTime: p.time,
      packets: 0,
      state: tcp && syn ? 'handshake' : 'open'
    }
    if (tcp) this.tcpSeen++
    else this.udpSeen++
    const t: Tracked = { conversation, synAckSeen: false, handshakeDone: !syn, fins: [], finEnd: {}, finAcked: new Set(), maxAck: {}, segments: newSegmentHistory() }
    this.tracked.set(p.conversation, t)
    if (this.tracked.size > this.maxConversations) this.tracked.delete(this.tracked.keys().next().value as string)
    return t
  }

  private step(t: Tracked, p: WirePacket, sender: Role): WireStep | undefined {
    const c = t.conversation
    const has = (flag: 'SYN' | 'ACK' | 'FIN' | 'RST'): boolean => p.flags.includes(flag)
    // A RST-ACK's ack counts too: it is what that side's kernel had received.
    if (p.ack !== undefined && has('ACK') && c.state !== 'reset') t.maxAck[sender] = Math.max(t.maxAck[sender] ?? 0, p.ack)
    if (has('RST')) {
      // The server's kernel answers a SYN with RST when no socket listens on the port.
      if (c.state === 'handshake' && !t.synAckSeen && sender === 'server') p.reset = { why: 'refused' }
      else if (c.state !== 'reset') {
        const received = this.received(t, sender)
        // No FIN from it, data received: a close() with data unread (or an abort), by a program socklab
        // cannot see read. The lab's own close() says more, and the session puts that in its place.
        if (received > 0 && !t.fins.includes(sender)) p.reset = { why: 'after-data', by: sender, received }
      }
      c.state = 'reset'
      return 'reset'
    }
    if (has('SYN')) {
      if (!has('ACK')) return 'handshake-1'
      t.synAckSeen = true
      return 'handshake-2'
    }
    const other: Role = sender === 'client' ? 'server' : 'client'
    const otherFinEnd = t.finEnd[other]
    if (otherFinEnd !== undefined && p.ack !== undefined && has('ACK') && p.ack >= otherFinEnd) t.finAcked.add(other)
    if (has('FIN')) {
      if (!t.fins.includes(sender)) t.fins.push(sender)
      if (p.seq !== undefined) t.finEnd[sender] = p.seq + p.length + 1
      t.handshakeDone = true
      c.state = 'closing'
      return sender === 'client' ? 'client-close' : 'server-close'
    }
    if (!t.handshakeDone && t.synAckSeen && sender === 'client' && has('ACK')) {
      t.handshakeDone = true
      c.state = 'open'
      return 'handshake-3'
    }
    // Both sides have sent their FIN: the ACK that leaves both acknowledged ends the connection. In a
    // simultaneous close (each FIN sent before the other arrived) each side ACKs the other's FIN,
    // in either order: the later ACK is the last. Without seq/ack numbers: the second FIN's receiver's.
    const bothAcked = p.seq === undefined || p.ack === undefined ? sender === t.fins[0] : t.finAcked.size === 2
    if (t.fins.length === 2 && c.state === 'closing' && has('ACK') && bothAcked) {
      c.state = 'closed'
      return 'last-ack'
    }
    return undefined
  }

  /**
   * The bytes of the other side's data that `side` acknowledged; 0 when the numbers cannot say
   * (the connection's start was not seen, so they are not relative to the SYNs, or it never opened).
   */
  private received(t: Tracked, side: Role): number {
    const ack = t.maxAck[side]
    if (!t.conversation.sawStart || !t.handshakeDone || ack === undefined) return 0
    const other: Role = side === 'client' ? 'server' : 'client'
    const finEnd = t.finEnd[other]
    // The SYN takes seq 0 and data starts at 1; a FIN acknowledged takes one more.
    return Math.max(0, (finEnd !== undefined && ack >= finEnd ? finEnd - 1 : ack) - 1)
  }
}
