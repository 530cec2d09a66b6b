// The kernel's own view of each TCP socket (Linux: /proc/net/tcp and tcp6): the state the slides
// talk about (LISTEN, ESTABLISHED, TIME_WAIT ...) that a socket program cannot see from inside.

import type { SockAddr } from './events'

export const KERNEL_TCP_STATES = [
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE'
] as const
export type KernelTcpState = (typeof KERNEL_TCP_STATES)[number]

/** What each state means, in a line a student can read next to it. */
export const KERNEL_STATE_WORDS: Record<KernelTcpState, string> = {
  LISTEN: 'listening: the kernel completes handshakes and queues the connections for accept()',
  SYN_SENT: 'connect() sent the SYN and waits for the SYN-ACK',
  SYN_RECV: 'a SYN came in and the SYN-ACK went out; waiting for the third segment of the handshake',
  ESTABLISHED: 'handshake done: data can flow both ways',
  FIN_WAIT1: 'this side closed and sent its FIN; waiting for it to be acknowledged',
  FIN_WAIT2: 'this side closed and its FIN was acknowledged; the peer may still send until it closes too',
  CLOSE_WAIT: 'the peer closed its side; this program has not called close() yet',
  CLOSING: 'both sides sent a FIN at the same time; waiting for the acknowledgement',
  LAST_ACK: 'closed after the peer did; waiting for the acknowledgement of this FIN',
  TIME_WAIT: 'closed first; the kernel keeps the connection for a while so that late segments cannot confuse a new one',
  CLOSE: 'closed'
}

export interface KernelSocket {
  local: SockAddr
  /** 0.0.0.0:0 or [::]:0 for a listening socket. */
  remote: SockAddr
  state: KernelTcpState
  /**
   * Bytes waiting in the receive queue (not yet read by the program); for a LISTEN socket, the
   * connections waiting to be accepted: an iterative server's backlog.
   */
  recvQueue: number
  /** Bytes sent but not yet acknowledged by the peer. */
  sendQueue: number
  uid: number
  /** 0 for a socket no program holds any more (TIME_WAIT). */
  inode: number
}

/** What a window holds: the rows, and the version of the host's reading they are (it counts changes). */
export type KernelTcpSnapshot = { exposed: true; sockets: KernelSocket[]; version: number } | { exposed: false; reason: string }

/**
 * The host's answer to a window that asks with the version it holds: with thousands of idle
 * connections the rows stay the same from one half second to the next, and only a change is sent.
 */
export type KernelTcpReading = KernelTcpSnapshot | { exposed: true; unchanged: true; version: number }
