// The kernel's own view of each TCP socket (Linux: /proc/net/tcp and tcp6): the state the slides
// talk about (LISTEN, ESTABLISHED, TIME_WAIT ...) that a socket program cannot see from inside.

import type { SockAddr } from './events'
import { said, type Said } from './i18n/said'

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

/** What each state means, in a line a student can read next to it (the catalog `wire`: kernel.state.*). */
export const KERNEL_STATE_SAID: Record<KernelTcpState, Said> = {
  LISTEN: said('wire:kernel.state.listen'),
  SYN_SENT: said('wire:kernel.state.synSent'),
  SYN_RECV: said('wire:kernel.state.synRecv'),
  ESTABLISHED: said('wire:kernel.state.established'),
  FIN_WAIT1: said('wire:kernel.state.finWait1'),
  FIN_WAIT2: said('wire:kernel.state.finWait2'),
  CLOSE_WAIT: said('wire:kernel.state.closeWait'),
  CLOSING: said('wire:kernel.state.closing'),
  LAST_ACK: said('wire:kernel.state.lastAck'),
  TIME_WAIT: said('wire:kernel.state.timeWait'),
  CLOSE: said('wire:kernel.state.close')
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
export type KernelTcpSnapshot = { exposed: true; sockets: KernelSocket[]; version: number } | { exposed: false; reason: Said }

/**
 * The host's answer to a window that asks with the version it holds: with thousands of idle
 * connections the rows stay the same from one half second to the next, and only a change is sent.
 */
export type KernelTcpReading = KernelTcpSnapshot | { exposed: true; unchanged: true; version: number }
