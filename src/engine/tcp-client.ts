// The course's TCP client: connect, send the sentence, one recv() of the reply, close.
// connect() can run ahead of send() so that a student sees an iterative server make others wait.
// Unlike the course's client, connect() and recv() each give up after the configured timeout.
// Options beyond the course (issue 17): one message as several writes (`chunks`, `chunkDelayMs`),
// Nagle's algorithm on or off (`noDelay`), and a session (`session`): the connection stays open,
// each send() is one message and the reads of its reply, until the client's own Close (stop()).

import net from 'node:net'
import type { SendResult, TcpClientConfig } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import { ClientCore, connected, socketEnds } from './client-core'
import { placeOf } from './endpoint'
import { EMPTY_SEND, LabError, seconds } from './errors'
import { closeNow, resolveHost, unreadAtClose } from './net-util'
import { utf8Failure } from '../shared/utf8-check'
import { said } from '../shared/i18n/said'
import { STREAM_DEFAULTS } from '../shared/endpoint-kinds'

interface Open {
  socket: net.Socket
  conn: number
  local?: SockAddr
  remote?: SockAddr
  /** Bytes and end-of-stream that arrived before anyone called recv(). */
  inbox: Buffer[]
  ended: boolean
  /** The server's end of stream was read: every byte it sent is in this process. */
  eof: boolean
  /** Bytes the last recv() left unread (Node read them beyond recv(recvSize)). */
  leftover: number
  failure?: Error
  wake?: () => void
}

export class TcpClient extends ClientCore<TcpClientConfig> {
  private open?: Open
  private connecting?: Promise<Open>
  /** The socket of a connect() still under way, so that stop() can abandon it. */
  private dialing?: net.Socket
  private connections = 0
  private busy = false

  /** Closes the connection, as the student's Cancel or Close asks: a recv() still waiting ends now. */
  async stop(): Promise<void> {
    this.stopped = true
    this.dialing?.destroy()
    const c = this.open
    if (!c) return
    c.failure ??= this.stoppedError()
    this.closeOpen()
    c.socket.destroy()
    c.wake?.()
  }

  hasConnection(): boolean {
    return this.open !== undefined
  }

  async connect(): Promise<void> {
    if (this.open) throw new LabError(said('error:alreadyConnected', { target: this.target() }))
    await this.ensureOpen().catch((err) => this.failed(err))
  }

  async send(input: string): Promise<SendResult> {
    if (this.busy) throw new LabError(said('error:stillWaiting'))
    if (input === '') {
      // send(b'') writes no byte, so the server's recv() never returns and neither does ours.
      throw this.report.failure(new LabError(said('error:emptySentence'), EMPTY_SEND), this.open ? placeOf(this.open) : {})
    }
    this.busy = true
    const session = this.config.session ?? STREAM_DEFAULTS.session
    let keep = session
    try {
      const c = await this.ensureOpen()
      const request = Buffer.from(input, 'utf8')
      await this.write(c, request)
      if (session) {
        const reply = await this.readReply(c, request.length)
        if (reply.eof) keep = false
        return reply.result
      }
      const waiting = c.inbox.reduce((n, b) => n + b.length, 0) + c.socket.readableLength
      const reply = await this.recv(c)
      this.report.data('recv', reply, { ...placeOf(c), detail: { what: 'stream', recvSize: this.config.recvSize, leftover: c.leftover, eof: reply.length === 0, waiting, undecodable: utf8Failure(reply) } })
      const text = reply.toString('utf8')
      this.report.console(`Received reply <${text}>`, c.conn)
      return { reply: text, length: reply.length }
    } catch (err) {
      keep = false
      return this.failed(err)
    } finally {
      this.busy = false
      if (!keep) this.closeOpen(session && this.open?.eof ? 'client-after-server' : 'client-done')
    }
  }

  /**
   * The message as `chunks` write() calls (as even as its bytes allow: never an empty one), with
   * `chunkDelayMs` between them. Each is stamped as send() is called, before its bytes leave.
   */
  private async write(c: Open, request: Buffer): Promise<void> {
    const { chunks = STREAM_DEFAULTS.chunks, chunkDelayMs = STREAM_DEFAULTS.chunkDelayMs } = this.config
    const of = Math.max(1, Math.min(chunks, request.length))
    const place = placeOf(c)
    for (let n = 1, at = 0; n <= of; n++) {
      const end = Math.round((request.length * n) / of)
      const part = of === 1 ? request : request.subarray(at, end)
      at = end
      this.report.data('send', part, { ...place, detail: of === 1 ? { what: 'bytes' } : { what: 'bytes', chunk: { n, of } } })
      await new Promise<void>((resolve, reject) => c.socket.write(part, (err) => (err ? reject(err) : resolve())))
      if (n < of && chunkDelayMs > 0) await this.pause(c, chunkDelayMs)
    }
  }

  /** Waits between two writes; a stop() (the socket closed) ends the wait with its failure. */
  private pause(c: Open, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.socket.off('close', onClose)
        resolve()
      }, ms)
      const onClose = (): void => {
        clearTimeout(timer)
        reject(c.failure ?? this.stoppedError())
      }
      c.socket.once('close', onClose)
    })
  }

  /**
   * A session's reply: recv(recvSize) until as many bytes as the message had arrived (the server
   * upper-cases, so its reply is as long), or end of stream. Each call is one recv event, as the
   * kernel returned it: what arrived together comes in one read, several of the server's replies
   * glued together included; what lies beyond recvSize waits for the next call.
   */
  private async readReply(c: Open, expected: number): Promise<{ result: SendResult; eof: boolean }> {
    const parts: Buffer[] = []
    let got = 0
    let eof = false
    while (got < expected) {
      const waiting = c.inbox.reduce((n, b) => n + b.length, 0) + c.socket.readableLength
      const bytes = await this.recv(c, true)
      eof = bytes.length === 0
      got += bytes.length
      parts.push(bytes)
      this.report.data('recv', bytes, {
        ...placeOf(c),
        detail: { what: 'stream', recvSize: this.config.recvSize, leftover: 0, eof, waiting, undecodable: utf8Failure(bytes), reply: { got, of: expected } }
      })
      if (eof) break
    }
    const reply = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    const text = reply.toString('utf8')
    if (!eof || got > 0) this.report.console(`Received reply <${text}>`, c.conn)
    return { result: { reply: text, length: reply.length }, eof }
  }

  /** A failure reported where it happened; stopped on purpose, the close is in the log already. */
  private failed(err: unknown): never {
    this.fail(err, { address: this.config.address, port: this.config.port, action: 'connect' }, this.open && placeOf(this.open), false)
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
    if (this.stopped) throw new LabError(said('error:stopped', { id: this.id }))
    const { address, port } = this.config
    const target = await resolveHost(address)
    // Half-open allowed: Node would otherwise send our FIN by itself as the server's arrives; the
    // course's client sends it when it calls close(), and that is when the ladder stamps it.
    const socket = net.connect({ host: target.address, port, timeout: this.config.timeoutMs, allowHalfOpen: true })
    this.dialing = socket
    const c: Open = { socket, conn: ++this.connections, inbox: [], ended: false, eof: false, leftover: 0 }
    // Readers may come later (connect now, send later). Between receives the socket stops reading
    // once it holds what one recv() could return, as a program that has not called recv() leaves
    // the rest in the system's receive buffer: the window closes and the peer's sends stall, instead
    // of piling up in this process. Up to that, what arrives is held as the kernel would hold it,
    // so that a recv() returns everything that arrived before it (a reply to each of several writes, glued).
    socket.on('data', (chunk) => {
      c.inbox.push(chunk)
      if (!c.wake && c.inbox.reduce((n, b) => n + b.length, 0) >= this.config.recvSize) socket.pause()
      c.wake?.()
    })
    socket.on('end', () => {
      c.ended = true
      c.eof = true
      c.wake?.()
      // The server closed while this client waits for nothing (its idle time-out, or Stop): said now,
      // so the connection is not shown as open, and the next sentence connects again.
      if (this.open === c && !this.busy) this.closeOpen('server-closed-idle')
    })
    socket.on('error', (err) => {
      c.failure ??= err
      c.wake?.()
    })
    socket.on('close', () => {
      c.ended = true
      c.wake?.()
    })
    await connected(
      socket,
      () => new LabError(said('error:stoppedBeforeConnect', { id: this.id })),
      () => new LabError(said('error:connectTimeout', { target: this.target(), seconds: seconds(this.config.timeoutMs) }), 'ETIMEDOUT')
    ).finally(() => (this.dialing = undefined))
    socket.setTimeout(0)
    // Nagle's algorithm: the system's default is on, and Node leaves it so. setNoDelay(false) alone
    // is skipped by Node when it believes Nagle is on already: true then false makes the call.
    if (this.config.noDelay === true) socket.setNoDelay(true)
    else if (this.config.noDelay === false) socket.setNoDelay(true).setNoDelay(false)
    Object.assign(c, socketEnds(socket))
    this.open = c
    this.report.event('connect', { ...placeOf(c), detail: { handshake: true } })
    this.report.console(`Connected to server at ${this.target()}`, c.conn)
    return c
  }

  /**
   * Python's recv(recvSize) after settimeout(): the first bytes available, b'' at end of stream, or a
   * timeout. `keep`: what arrived beyond recvSize stays for the next recv() (a session reads on);
   * otherwise it is counted as left unread by the one recv() before close().
   */
  private recv(c: Open, keep = false): Promise<Buffer> {
    const { timeoutMs } = this.config
    c.socket.resume()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.wake = undefined
        reject(new LabError(said('error:replyTimeout', { target: this.target(), seconds: seconds(timeoutMs) }), 'ETIMEDOUT'))
      }, timeoutMs)
      const check = (): void => {
        c.wake = undefined
        if (!c.inbox.length && !c.failure && !c.ended) {
          c.wake = check
          return
        }
        clearTimeout(timer)
        if (c.inbox.length) {
          const all = c.inbox.length === 1 ? c.inbox[0] : Buffer.concat(c.inbox)
          const size = this.config.recvSize
          if (keep) c.inbox = all.length > size ? [all.subarray(size)] : []
          else {
            c.inbox = []
            // What lies beyond recv(recvSize) stays unread, as in the kernel: the close will say so.
            c.leftover = Math.max(0, all.length - size)
          }
          resolve(all.subarray(0, size))
        } else if (c.failure) reject(c.failure)
        else resolve(Buffer.alloc(0))
      }
      check()
    })
  }

  private closeOpen(reason: 'client-done' | 'server-closed-idle' | 'client-after-server' = 'client-done'): void {
    const c = this.open
    if (!c) return
    this.open = undefined
    // close() with bytes unread (beyond the one recv(), or never asked for) resets the connection, as the kernel does.
    const inbox = c.inbox.reduce((n, b) => n + b.length, 0)
    const reset = unreadAtClose(c.socket, c.leftover + inbox, c.eof)
    const detail = reason === 'server-closed-idle' ? ({ closedBy: 'server', reason } as const) : ({ closedBy: 'client', reason } as const)
    // Stamped as close() is called, right before its FIN (or RST) is sent.
    this.report.call('close', { ...placeOf(c), detail: { ...detail, reset } }, () => closeNow(c.socket, reset))
    this.report.console(`Connection closed with server at ${this.target()}`, c.conn)
  }
}
