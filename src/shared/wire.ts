// What went on the wire: packets captured on the loopback interface by Wireshark's own tools.
// The engine fills these (src/engine/capture); the CLI's `socklab watch` and the window's wire
// view and ladder show them. Meaning is in typed fields; the words are in the catalog `wire`
// (src/shared/i18n/locales/*/wire.json), given here as Said for the window or the CLI to word.

import type { TFunction } from 'i18next'
import type { Family, Role, Side, SockAddr } from './events'
import { formatSockAddr } from './events'
import { said, say, type Said } from './i18n/said'

export type WireProto = 'TCP' | 'UDP'

/** TCP header flags, in the order they are shown (SYN-ACK, PSH-ACK, FIN-ACK, RST-ACK). */
export const TCP_FLAGS = ['SYN', 'FIN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const
export type TcpFlag = (typeof TCP_FLAGS)[number]

/**
 * The steps of a TCP connection's life that get a name. The tracker sets them from what it saw
 * (it knows which side is the client: the one that sent the SYN); the words are STEP_SAID.
 */
export type WireStep = 'handshake-1' | 'handshake-2' | 'handshake-3' | 'client-close' | 'server-close' | 'last-ack' | 'reset'

export const STEP_SAID: Record<WireStep, Said> = {
  'handshake-1': said('wire:step.handshake1'),
  'handshake-2': said('wire:step.handshake2'),
  'handshake-3': said('wire:step.handshake3'),
  'client-close': said('wire:step.clientClose'),
  'server-close': said('wire:step.serverClose'),
  'last-ack': said('wire:step.lastAck'),
  reset: said('wire:step.reset')
}

/** "client", "server", "relay" in a sentence of the wire's (a role is also an end of a conversation: a Side). */
export const roleSaid = (r: Role): Said => ROLE_SAID[r]
const ROLE_SAID: Record<Role, Said> = { client: said('wire:role.client'), server: said('wire:role.server'), relay: said('lab:role.relay') }

/**
 * Why a connection was reset, as far as the packets and the lab's events tell: a RST answering a
 * SYN (nobody listens on that port: the packets alone say so), or a lab endpoint's close() with
 * bytes unread (its close event says who and how many, a lower bound when `atLeast`), or else, from
 * the packets alone, a side that reset without a FIN after receiving data ('after-data').
 */
export type ResetCause =
  | { why: 'refused' }
  | { why: 'unread'; by: Role; unread: number; atLeast: boolean }
  /** The client was stopped (Cancel) while the server still sent: what it had not read, or what came after its close, is answered with RST. */
  | { why: 'cancelled'; by: Role }
  /**
   * No lab close() explains it: `by` reset an established connection without having sent a FIN,
   * after it had received (acknowledged) `received` bytes. Its program closed with some of them
   * unread, or aborted; which, and how much it read, socklab cannot see.
   */
  | { why: 'after-data'; by: Role; received: number }

/**
 * What the sequence numbers say about a TCP segment, beside its step: a segment that carries only
 * what its sender had already sent (its end, seq + length + SYN + FIN, not beyond the furthest end
 * seen from that side: the kernel sent it again, because it or its ACK was lost), or an ACK that
 * repeats the sender's previous one (same ack, same window, no data) while the other side has sent
 * beyond it: the receiver saw a gap, and says again what it still waits for.
 */
export type TcpAnalysis = { kind: 'retransmission'; seq: number } | { kind: 'dup-ack'; ack: number; count: number }

/** What analyseSegment remembers of one TCP connection, per side. */
export interface SegmentHistory {
  /** The furthest seq + length (+ SYN, FIN) each side has sent. */
  sent: Partial<Record<Role, number>>
  /** Each side's last acknowledgement and window, and how many duplicates of it followed. */
  acked: Partial<Record<Role, { ack: number; window: number | undefined; dups: number }>>
}

export const newSegmentHistory = (): SegmentHistory => ({ sent: {}, acked: {} })

/**
 * The analysis of one TCP segment of a connection, in capture order (`h` is that connection's
 * history, updated here). Pure: packets in, labels out. Needs seq/ack numbers; without them, none.
 */
export function analyseSegment(h: SegmentHistory, p: Pick<WirePacket, 'flags' | 'seq' | 'ack' | 'window' | 'length'>, sender: Role): TcpAnalysis | undefined {
  if (p.seq === undefined || p.flags.includes('RST')) return undefined
  const other: Role = sender === 'client' ? 'server' : 'client'
  const span = p.length + (p.flags.includes('SYN') ? 1 : 0) + (p.flags.includes('FIN') ? 1 : 0)
  let analysis: TcpAnalysis | undefined
  if (span > 0) {
    const end = p.seq + span
    const sent = h.sent[sender]
    if (sent !== undefined && end <= sent) analysis = { kind: 'retransmission', seq: p.seq }
    else h.sent[sender] = Math.max(sent ?? 0, end)
  }
  if (p.ack !== undefined && p.flags.includes('ACK')) {
    const last = h.acked[sender]
    const waitsFor = (h.sent[other] ?? 0) > p.ack
    if (span === 0 && last && last.ack === p.ack && last.window === p.window && waitsFor) {
      last.dups++
      analysis = { kind: 'dup-ack', ack: p.ack, count: last.dups }
    } else if (!last || last.ack !== p.ack || last.window !== p.window || span > 0) h.acked[sender] = { ack: p.ack, window: p.window, dups: 0 }
  }
  return analysis
}

/** The analysis in words: "retransmission of seq 1449", "duplicate ACK #2 (ack=1449)"; seq and ack as the Seq / Ack column writes them. */
export function analysisSaid(a: TcpAnalysis, step?: Said): Said {
  if (a.kind === 'dup-ack') return said('wire:analysis.dupAck', { n: String(a.count), ack: String(a.ack) })
  return step ? said('wire:analysis.retransmissionOf', { seq: String(a.seq), step }) : said('wire:analysis.retransmission', { seq: String(a.seq) })
}

/** The parameters of analysisSaid that are data (numbers of the protocol), for a view to mark so. */
export const ANALYSIS_DATA_PARAMS = ['seq', 'ack', 'n'] as const

/** What a packet is, in words (a Said for the catalog `wire`): its step, and what its sequence numbers say. */
export function stepSaid(p: Pick<WirePacket, 'step' | 'reset' | 'analysis'>): Said | undefined {
  const step = stepOnlySaid(p)
  return p.analysis ? analysisSaid(p.analysis, step) : step
}

/** The step in words (a Said for the catalog `wire`); a reset says why, where that is known. */
function stepOnlySaid(p: Pick<WirePacket, 'step' | 'reset'>): Said | undefined {
  if (!p.step) return undefined
  if (p.step !== 'reset' || !p.reset) return STEP_SAID[p.step]
  const r = p.reset
  if (r.why === 'refused') return said('wire:reset.refused')
  if (r.why === 'cancelled') return said('wire:reset.cancelled', { by: roleSaid(r.by) })
  // Short, to fit two lines of the wire view at 200% (what it received is its ack, beside): "or" is what socklab cannot
  // tell, as it does not see that program's reads ("got 3,000, then closed unread" read as if it had read none).
  if (r.why === 'after-data') return said('wire:reset.afterData', { by: roleSaid(r.by) })
  return r.atLeast ? said('wire:reset.unreadAtLeast', { by: roleSaid(r.by), count: r.unread }) : said('wire:reset.unread', { by: roleSaid(r.by), count: r.unread })
}

/** The step's words in t's language, or '' when the packet is no named step. */
export function stepWords(t: TFunction, p: Pick<WirePacket, 'step' | 'reset' | 'analysis'>): string {
  const s = stepSaid(p)
  return s ? say(t, s) : ''
}

export interface WirePacket {
  /** Frame number in the capture, from 1: the same number Wireshark shows for the exported pcapng. */
  no: number
  /** When the kernel saw it: microseconds since the Unix epoch (the capture's clock, not the lab's). */
  time: number
  proto: WireProto
  family: Family
  src: SockAddr
  dst: SockAddr
  /**
   * The conversation this packet belongs to: "TCP 3" or "UDP 0" (Wireshark's tcp.stream / udp.stream).
   * A port reused after a close starts a new conversation.
   */
  conversation: string
  /** TCP only; empty for UDP. */
  flags: TcpFlag[]
  /** TCP only: sequence and acknowledgement numbers relative to the sender's SYN (the SYN has seq 0). */
  seq?: number
  ack?: number
  /** TCP only: the advertised receive window in bytes (scaled once the handshake was seen). */
  window?: number
  /** Payload bytes: TCP segment data or the UDP datagram's data (headers not counted). */
  length: number
  /** Which side sent it, once the tracker knows (the client sent the SYN, or the first datagram). */
  sender?: Side
  /** The named step of the connection this packet is, if any. */
  step?: WireStep
  /** A reset's cause, where the packets (the tracker) or the lab's events (the session) tell it. */
  reset?: ResetCause
  /** TCP: a retransmission or a duplicate ACK, as the tracker's analyseSegment found it. */
  analysis?: TcpAnalysis
}

/** One TCP connection or UDP exchange as the capture saw it. */
export interface Conversation {
  id: string
  proto: WireProto
  family: Family
  /** The SYN's sender (TCP), the first datagram's sender (UDP); a guess from the ports when the start was not seen. */
  client: SockAddr
  server: SockAddr
  /** Whether the start (the SYN, or the first datagram) was captured: byte offsets are exact only then. */
  sawStart: boolean
  firstTime: number
  lastTime: number
  packets: number
  /** TCP: where the connection is, as the packets tell it. UDP exchanges stay 'open'. */
  state: 'handshake' | 'open' | 'closing' | 'closed' | 'reset'
}

/**
 * Why capture cannot run: the tools are not installed; installed but this user may not run them
 * ('not-runnable': not in the group that owns dumpcap); they run but may not capture ('not-permitted');
 * no loopback interface; or a failure.
 */
export type CaptureProblemKind = 'missing-tools' | 'not-runnable' | 'not-permitted' | 'no-loopback' | 'failed'
export interface CaptureProblem {
  kind: CaptureProblemKind
  /** One sentence: what is wrong and how to enable capture on this OS (the login, the file, the group as params). */
  said: Said
}

export interface CaptureSummary {
  packets: number
  tcpConnections: number
  udpExchanges: number
  /** Packets the capture itself lost (kernel buffer full); null when the tools did not say. */
  dropped: number | null
}

/** "SYN-ACK", "PSH-ACK", "FIN-ACK"; UDP (no flags) shows as an empty string. */
export function flagsText(flags: readonly TcpFlag[]): string {
  return flags.join('-')
}

export interface WireColumns {
  /** Seconds since `zero`, to the microsecond. */
  time: string
  src: string
  dst: string
  proto: WireProto
  flags: string
  /** "seq=1 ack=6" (ack only when the ACK flag is set); empty for UDP. */
  seqAck: string
  /** "win=65536"; empty for UDP. */
  window: string
  length: string
  /** The step (stepSaid), for the window or the CLI to word; undefined when the packet is no named step. */
  step?: Said
}

/** The columns of the wire view, and of `socklab watch`'s lines, for one packet. */
export function wireColumns(p: WirePacket, zero: number): WireColumns {
  const tcp = p.proto === 'TCP'
  const seqAck = tcp ? [`seq=${p.seq ?? '?'}`, p.flags.includes('ACK') ? `ack=${p.ack ?? '?'}` : ''].filter(Boolean).join(' ') : ''
  return {
    time: ((p.time - zero) / 1e6).toFixed(6),
    src: formatSockAddr(p.src),
    dst: formatSockAddr(p.dst),
    proto: p.proto,
    flags: flagsText(p.flags),
    seqAck,
    window: tcp && p.window !== undefined ? `win=${p.window}` : '',
    length: `len=${p.length}`,
    step: stepSaid(p)
  }
}

/** One line of `socklab watch`: the wire view's columns, aligned for a terminal; the step in t's language. */
export function wireLine(t: TFunction, p: WirePacket, zero: number): string {
  const c = wireColumns(p, zero)
  const route = `${c.src} → ${c.dst}`
  const parts = [c.time.padStart(10), route.padEnd(35), c.proto, c.flags.padEnd(7), c.seqAck.padEnd(20), c.window.padEnd(10), c.length.padEnd(8), c.step ? say(t, c.step) : '']
  return parts.join('  ').trimEnd()
}

/** `socklab watch`'s last line: what the capture saw, in t's language. */
export function summaryLine(t: TFunction, s: CaptureSummary): string {
  return say(t, summarySaid(s))
}

export function summarySaid(s: CaptureSummary): Said {
  return said('wire:summary.line', {
    packets: said('wire:summary.packets', { count: s.packets }),
    tcp: said('wire:summary.tcpConnections', { count: s.tcpConnections }),
    udp: said('wire:summary.udpExchanges', { count: s.udpExchanges }),
    dropped: s.dropped === null ? said('wire:summary.dropsUnknown') : said('wire:summary.dropped', { count: s.dropped })
  })
}

/** A conversation on the wire that is one of the lab's own connections (or UDP exchanges). */
export interface ConnectionMatch {
  conversation: string
  endpoint: string
  /** The endpoint's connection number (LabEvent.conn; 0 for UDP). */
  conn: number
  /** Which end of the conversation the endpoint is (a relay is the server of one conversation and the client of another). */
  role: Side
}

/**
 * The socket calls a packet belongs to, as LabEvent.seq numbers: the call whose bytes (or whose
 * connect or close) it carries, and the call that took it in on the other side.
 */
export interface PacketCalls {
  sentBy?: number
  readBy?: number
}

export interface WireMatch {
  connections: ConnectionMatch[]
  /** By packet number (WirePacket.no); packets of conversations that are not the lab's have none. */
  calls: Map<number, PacketCalls>
}

/** The window's capture: what it captures now, or why it cannot. */
export interface CaptureStatus {
  /**
   * 'off': not started (or stopped); 'starting': the tools are opening the interface (also while
   * the capture restarts to take in a new port); 'on': capturing `ports`; 'unavailable': `problem` says why.
   */
  state: 'off' | 'starting' | 'on' | 'unavailable'
  /** The lab's ports being captured (the ports its servers listen on and its clients connect to). */
  ports: number[]
  problem?: CaptureProblem
  /** Packets captured since the capture started. */
  packets: number
  /** Packets the capture tools themselves lost so far (known once a capture ends; null while unknown). */
  dropped: number | null
  /** The lab's time 0 (LabEvent.time) in microseconds since the epoch, the packets' clock: one time axis for both. */
  labZero: number
  /**
   * How far (µs, either way) labZero may be off, as measured against the capture's own clock;
   * absent until measured (labZero is then the process's clocks' word, unchecked).
   */
  labZeroBound?: number
  /**
   * Packets a flood left undissected, let go so that the view shows the newest within seconds: in
   * neither the view nor the export (the capture's catching up, see LabCapture).
   */
  skipped?: number
  /** The oldest packets whose capture files were deleted to keep the capture's disk bound: no longer in the export. */
  forgotten?: number
}

/** Where exportPcapng() put the capture: saved by the host (Electron's dialog), or a download for the browser. */
export type PcapngExport = { kind: 'saved'; path: string } | { kind: 'download'; url: string } | { kind: 'cancelled' }

/**
 * What a client's console says while its first exchange waits for the capture to include its new
 * port(s) (the session's captureWaitLine says it in English today): the ports are data, never grouped.
 */
export function captureWaitSaid(ports: readonly number[], datagrams: boolean): Said {
  const which = ports.length === 1 ? said('wire:wait.port', { port: String(ports[0]) }) : said('wire:wait.ports', { ports: ports.join(', ') })
  return datagrams ? said('wire:wait.datagram', { which }) : said('wire:wait.handshake', { which })
}
