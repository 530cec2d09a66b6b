// The textbook's UDP Pinger server (Kurose & Ross, "UDP Pinger" assignment): each ping is
// upper-cased and sent back, except a share that it drops on purpose, to play a lossy network.
// The textbook draws randint(0, 10) and drops when it is below 4 (4 in 11, about 36%); given a
// loss in per cent it drops that share instead. Draws are seeded, and each drop is reported.

import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import type { SockAddr } from '../../shared/events'
import { asciiUpper, boundAddr, sockAddr } from '../endpoint'
import { bindUdpSocket } from '../server-core'
import { closeUdp } from '../udp-util'
import { happens, randomSeed, stream, type Random } from '../relay/prng'
import type { Untimed } from '../relay/types'
import { parsePingSeq } from './ping-message'

export interface PingServerConfig {
  address: string
  port: number
  /** Per cent of pings dropped; absent, the textbook's rule (randint(0, 10) < 4). */
  loss?: number
  seed?: number
  /** Bytes kept of each datagram, as recvfrom(1024) in the textbook. */
  recvSize?: number
}

/** The textbook's share: 4 of the 11 values of randint(0, 10). */
export const TEXTBOOK_LOSS_PCT = (4 / 11) * 100

export type PingServerRecord =
  | { type: 'listening'; at: number; local: SockAddr; seed: number; rule: 'textbook' | 'percent'; lossPct: number }
  /**
   * Datagram n (from 1) was dropped on purpose; seq is the ping's number when it reads as a ping.
   * `bytes`: the datagram's length; `payload`: what recvfrom(recvSize) kept of it.
   */
  | { type: 'drop'; at: number; n: number; from: SockAddr; bytes: number; seq?: number; payload: Buffer }
  /** `reply`: the upper-cased bytes sent back, as sendto() is called. */
  | { type: 'reply'; at: number; n: number; from: SockAddr; bytes: number; seq?: number; payload: Buffer; reply: Buffer }
  | { type: 'error'; at: number; code?: string; message: string }

export class PingServer extends EventEmitter {
  readonly seed: number
  local!: SockAddr
  private socket?: dgram.Socket
  private readonly draw: Random
  private n = 0
  private readonly t0 = performance.now()
  readonly dropped: number[] = []
  readonly droppedSeqs: number[] = []

  constructor(readonly config: PingServerConfig) {
    super()
    this.seed = (config.seed ?? randomSeed()) >>> 0
    this.draw = stream(this.seed, 'ping-server/loss')
  }

  /** Datagrams received so far. */
  get received(): number {
    return this.n
  }

  get lossPct(): number {
    return this.config.loss ?? TEXTBOOK_LOSS_PCT
  }

  async start(): Promise<SockAddr> {
    const { address, port } = this.config
    const socket = await bindUdpSocket(address, port)
    this.socket = socket
    this.local = boundAddr(socket.address())!
    socket.on('message', (msg, rinfo) => this.onPing(msg, rinfo))
    socket.on('error', (err: NodeJS.ErrnoException) => this.record({ type: 'error', code: err.code, message: err.message }))
    this.record({ type: 'listening', local: this.local, seed: this.seed, rule: this.config.loss === undefined ? 'textbook' : 'percent', lossPct: this.lossPct })
    return this.local
  }

  /** Whether the next ping is dropped: the textbook's randint(0, 10) < 4, or the given share. */
  private drops(): boolean {
    const u = this.draw()
    return this.config.loss === undefined ? Math.floor(u * 11) < 4 : happens(u, this.config.loss)
  }

  private onPing(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const socket = this.socket
    if (!socket) return
    const n = ++this.n
    const message = msg.subarray(0, this.config.recvSize ?? 1024)
    const from = sockAddr(rinfo.address, rinfo.port)!
    const seq = parsePingSeq(message.toString('latin1'))
    if (this.drops()) {
      this.dropped.push(n)
      if (seq !== undefined) this.droppedSeqs.push(seq)
      this.record({ type: 'drop', n, from, bytes: msg.length, seq, payload: message })
      return
    }
    const reply = asciiUpper(message)
    this.record({ type: 'reply', n, from, bytes: msg.length, seq, payload: message, reply })
    socket.send(reply, rinfo.port, rinfo.address)
  }

  private record(r: Untimed<PingServerRecord>): void {
    this.emit('record', { ...r, at: Math.round((performance.now() - this.t0) * 1000) / 1000 } as PingServerRecord)
  }

  async close(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    if (!socket) return
    await closeUdp(socket)
  }
}
