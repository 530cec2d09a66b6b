// The course's TCP client: connect, send the sentence, one recv() of the reply, close.
// connect() can run ahead of send() so that a student sees an iterative server make others wait.

import net from 'node:net'
import type { SendResult, TcpClientConfig } from '../../shared/contract'
import type { SockAddr } from '../../shared/events'
import { formatSockAddr, formatTuple } from '../../shared/events'
import type { Endpoint, Reporter } from './endpoint'
import { sockAddr } from './endpoint'
import { explainError, LabError } from './errors'
import { resolveHost } from './net-util'

interface Open {
  socket: net.Socket
  conn: number
  local?: SockAddr
  remote?: SockAddr
  /** Bytes and end-of-stream that arrived before anyone called recv(). */
  inbox: Buffer[]
  ended: boolean
  failure?: Error
  wake?: () => void
}

export class TcpClient implements Endpoint {
  private open?: Open
  private connecting?: Promise<Open>
  /** The socket of a connect() still under way, so that stop() can abandon it. */
  private dialing?: net.Socket
  private connections = 0
  private busy = false
  private stopped = false

  constructor(
    readonly id: string,
    readonly config: TcpClientConfig,
    private readonly report: Reporter
  ) {}

  async start(): Promise<undefined> {
    return undefined
  }

  /** Closes the connection, as the student's Cancel or Close asks: a recv() still waiting ends now. */
  async stop(): Promise<void> {
    this.stopped = true
    this.dialing?.destroy()
    const c = this.open
    if (!c) return
    c.failure ??= new LabError(`${this.id} was stopped: it no longer waits for a reply`)
    this.closeOpen()
    c.socket.destroy()
    c.wake?.()
  }

  async connect(): Promise<void> {
    if (this.open) throw new LabError(`already connected to ${this.target()}: send a sentence to use the connection`)
    await this.ensureOpen().catch((err) => this.fail(err))
  }

  async send(input: string): Promise<SendResult> {
    if (this.busy) throw new LabError('this client is still waiting for its previous reply')
    this.busy = true
    try {
      const c = await this.ensureOpen()
      const request = Buffer.from(input, 'utf8')
      await new Promise<void>((resolve, reject) => c.socket.write(request, (err) => (err ? reject(err) : resolve())))
      this.report.data('send', request, { conn: c.conn, local: c.local, remote: c.remote, info: `wrote ${request.length} bytes to the stream` })
      const reply = await this.recv(c)
      this.report.data('recv', reply, {
        conn: c.conn,
        local: c.local,
        remote: c.remote,
        info: reply.length ? `read ${reply.length} bytes of the stream` : 'end of stream: the server closed without replying'
      })
      const text = reply.toString('utf8')
      this.report.console(`Received reply <${text}>`, c.conn)
      return { reply: text, length: reply.length }
    } catch (err) {
      this.fail(err)
    } finally {
      this.busy = false
      this.closeOpen()
    }
  }

  /** Reports a failure where it happened (a reset as such) and rethrows it in plain words. */
  private fail(err: unknown): never {
    const e = explainError(err, { address: this.config.address, port: this.config.port, action: 'connect to' })
    // Stopped on purpose: the close is in the log already, and nothing failed.
    if (this.stopped) throw e
    const c = this.open
    const reset = e.code === 'ECONNRESET' || e.code === 'EPIPE'
    this.report.event(reset ? 'reset' : 'error', { conn: c?.conn ?? 0, local: c?.local, remote: c?.remote, info: e.message, code: e.code })
    throw e
  }

  private target(): string {
    return formatTuple(this.config.address, this.config.port)
  }

  private ensureOpen(): Promise<Open> {
    if (this.open) return Promise.resolve(this.open)
    this.connecting ??= this.dial().finally(() => (this.connecting = undefined))
    return this.connecting
  }

  private async dial(): Promise<Open> {
    if (this.stopped) throw new LabError(`${this.id} is stopped`)
    const { address, port } = this.config
    const target = await resolveHost(address)
    const socket = net.connect({ host: target.address, port })
    this.dialing = socket
    const c: Open = { socket, conn: ++this.connections, inbox: [], ended: false }
    // Readers may come later (connect now, send later): keep what arrives until recv() asks.
    socket.on('data', (chunk) => {
      c.inbox.push(chunk)
      c.wake?.()
    })
    socket.on('end', () => {
      c.ended = true
      c.wake?.()
    })
    socket.on('error', (err) => {
      c.failure ??= err
      c.wake?.()
    })
    socket.on('close', () => {
      c.ended = true
      c.wake?.()
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
      socket.once('close', () => reject(new LabError(`${this.id} was stopped before the connection was made`)))
    }).finally(() => (this.dialing = undefined))
    c.local = sockAddr(socket.localAddress, socket.localPort)
    c.remote = sockAddr(socket.remoteAddress, socket.remotePort)
    this.open = c
    this.report.event('connect', { conn: c.conn, local: c.local, remote: c.remote, info: `connected from ${c.local ? formatSockAddr(c.local) : '?'} (three-way handshake done)` })
    this.report.console(`Connected to server at ${this.target()}`, c.conn)
    return c
  }

  /** Python's recv(recvSize): the first bytes available, or b'' at end of stream. */
  private recv(c: Open): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (c.inbox.length) {
          c.wake = undefined
          const all = Buffer.concat(c.inbox)
          c.inbox = []
          return resolve(all.subarray(0, this.config.recvSize))
        }
        if (c.failure) return reject(c.failure)
        if (c.ended) return resolve(Buffer.alloc(0))
        c.wake = check
      }
      check()
    })
  }

  private closeOpen(): void {
    const c = this.open
    if (!c) return
    this.open = undefined
    c.socket.end()
    c.socket.destroySoon()
    this.report.event('close', { conn: c.conn, local: c.local, remote: c.remote, info: 'connection closed by the client' })
    this.report.console(`Connection closed with server at ${this.target()}`, c.conn)
  }
}
