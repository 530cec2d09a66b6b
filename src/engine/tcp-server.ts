// The course's TCP server: for each connection one recv() of at most recvSize bytes, the bytes
// upper-cased and sent back, then close. Iterative by default (one connection at a time, the others
// wait their turn as they would in the kernel's accept queue); concurrent on request.

import net from 'node:net'
import type { TcpServerConfig } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import { UNKNOWN_PEER } from '../shared/event-words'
import type { Reporter } from './endpoint'
import { acceptedLocal, asciiUpper, placeOf, sockAddr } from './endpoint'
import { explainError, isReset } from './errors'
import { said } from '../shared/i18n/said'
import { closeNow, unreadAtClose } from './net-util'
import { TcpServerCore } from './server-core'
import { LabError } from './errors'
import { StreamReader } from './stream-reader'

/** The detail of every write of an upper-cased reply: one object, shared. */
const SENT = Object.freeze({ what: 'bytes' as const })

interface Connection {
  socket: net.Socket
  conn: number
  /** An error seen while the connection waited its turn (a reset, usually). */
  failure?: Error
  local?: SockAddr
  remote?: SockAddr
  /** When it went into the backlog, if accept() could not return it at once (iterative server busy). */
  queuedAt?: number
  /** closeConnection() asked for it: the server closes it at its next step. */
  closeAsked?: true
  /** Ends a recv() under way (closeConnection). */
  abort?: () => void
}

export class TcpServer extends TcpServerCore<TcpServerConfig> {
  protected readonly server: net.Server
  /** Iterative mode: connections accepted by the system, waiting for the server to reach them. */
  private readonly queue: Connection[] = []
  /** Connections not closed yet, by number (closeConnection). */
  private readonly open = new Map<number, Connection>()
  private busy = false

  constructor(id: string, config: TcpServerConfig, report: Reporter) {
    super(id, config, report)
    // An iterative server leaves waiting connections unread, as the kernel would; a concurrent one
    // reads each at once.
    this.server = net.createServer({ pauseOnConnect: !config.concurrent })
  }

  async start(): Promise<SockAddr | undefined> {
    const { address, port } = this.config
    // The course calls listen(1); Node's accept loop drains the kernel queue anyway, so a
    // larger backlog only avoids dropped SYNs under load.
    await this.listen(128, (message, code, said) => this.report.error(said ?? message, code))
    const shown = this.local ?? { address, port }
    this.report.event('listen', {
      local: this.local,
      detail: { address: shown.address, port: shown.port, mode: this.config.concurrent ? 'concurrent' : 'iterative', recvSize: this.config.recvSize }
    })
    this.waiting()
    return this.local
  }

  protected override closeAll(): Promise<boolean> {
    this.queue.length = 0
    return super.closeAll()
  }

  private waiting(): void {
    const shown = this.local ?? { address: this.config.address, port: this.config.port }
    this.report.console(`Server waiting on ${formatTuple(this.config.address, shown.port)}`)
  }

  protected onConnection(socket: net.Socket): void {
    const c: Connection = {
      socket,
      conn: this.nextConn(),
      local: acceptedLocal(socket, this.local),
      remote: sockAddr(socket.remoteAddress, socket.remotePort)
    }
    this.track(socket)
    this.open.set(c.conn, c)
    socket.on('error', (err) => (c.failure ??= err))
    socket.once('close', () => this.open.delete(c.conn))
    const ahead = this.queue.length + (this.busy ? 1 : 0)
    if (this.config.concurrent || ahead === 0) {
      this.accepted(c)
      if (this.config.concurrent) return void this.serve(c)
    } else {
      // Node's accept loop has taken it from the kernel already; the course's server has not called
      // accept() yet, so to it the connection still waits in the listen backlog.
      c.queuedAt = performance.now()
      this.report.event('queued', { ...placeOf(c), detail: { queuedAhead: ahead } })
    }
    this.queue.push(c)
    this.serveNext()
  }

  /** accept() returns the connection to the server. */
  private accepted(c: Connection): void {
    const backlogMs = c.queuedAt === undefined ? undefined : performance.now() - c.queuedAt
    this.report.event('accept', { ...placeOf(c), detail: { backlogMs } })
  }

  private serveNext(): void {
    if (this.busy || this.stopped) return
    const next = this.queue.shift()
    if (!next) return
    this.busy = true
    if (next.queuedAt !== undefined) this.accepted(next)
    void this.serve(next).finally(() => {
      this.busy = false
      if (this.stopped) return
      this.waiting()
      this.serveNext()
    })
  }

  /** The connections not closed yet (accepted or waiting in the backlog), by number. */
  openConnections(): number[] {
    return [...this.open.keys()]
  }

  /**
   * Closes one connection, as a server program that decides to close() it: one being served closes
   * at once (a recv() under way ends), one still in the backlog is accepted and closed. Its unread
   * bytes make the close a reset, as the kernel's.
   */
  async closeConnection(conn: number): Promise<void> {
    const c = this.open.get(conn)
    if (!c || c.closeAsked) throw new LabError(said('console:closeConnection.none', { conn }))
    c.closeAsked = true
    const queued = this.queue.indexOf(c)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.accepted(c)
      const reset = unreadAtClose(c.socket, 0)
      this.report.call('close', { ...placeOf(c), detail: { closedBy: 'server', reason: 'closed-here', reset } }, () => closeNow(c.socket, reset))
      await closed(c.socket)
      return
    }
    c.abort?.()
    await closed(c.socket)
  }

  /** One request/reply on one connection, or (keepOpen) every one until the client closes; always ends with the socket closed. */
  private serve(c: Connection): Promise<void> {
    return this.config.keepOpen ? this.serveKeptOpen(c) : this.serveOnce(c)
  }

  /**
   * recv(recvSize) → upper-case → send() until recv() returns b'' (the client closed its side), then
   * close(): each read is one recv event, each write one send event. An iterative server is on this
   * connection until then, the others wait in the backlog.
   */
  private async serveKeptOpen(c: Connection): Promise<void> {
    const { socket, conn, local, remote } = c
    const place = placeOf(c)
    const peer = remote ? formatTuple(remote.address, remote.port) : UNKNOWN_PEER
    const reader = new StreamReader(socket)
    c.abort = () => reader.abort()
    const { recvSize, idleTimeoutMs } = this.config
    let reason: 'client-closed' | 'served' | 'closed-here' = 'served'
    try {
      while (!c.closeAsked) {
        const read = await reader.recv(recvSize, idleTimeoutMs)
        if (read === 'aborted') break
        if (read === 'timeout') {
          this.report.note(said('console:noRequest', { peer, seconds: idleTimeoutMs / 1000 }), conn)
          break
        }
        // Fields written out, not `{ ...place, detail }`: V8's slow path for a spread with a property
        // of its own costs microseconds, twice per message here (bench sessions).
        this.report.data('recv', read.bytes, { conn, local, remote, detail: { what: 'stream', recvSize, leftover: 0, eof: read.eof, waiting: read.waiting } })
        if (read.eof) {
          reason = 'client-closed'
          break
        }
        this.report.console(`Received request from ${peer}`, conn)
        // The read's bytes are this loop's own (its preview, if any, is made already): upper-cased where they are.
        const reply = upperInPlace(read.bytes)
        this.report.data('send', reply, { conn, local, remote, detail: SENT })
        // Python's send() returns once the bytes are in the kernel's buffer: so does this, unless
        // the buffer is full (the client does not read), where it waits as send() would block.
        if (!socket.write(reply)) await drained(socket)
        this.report.console(`Sent reply to ${peer}`, conn)
      }
    } catch (err) {
      const e = explainError(err, remote)
      this.report.failure(e, place)
      if (isReset(e)) this.report.console(`Connection reset by ${peer}`, conn)
    } finally {
      c.abort = undefined
      if (c.closeAsked) reason = 'closed-here'
      // Bytes that arrived and were not read make the close a reset, as in the kernel.
      const reset = unreadAtClose(socket, reader.unread, reader.eof)
      this.report.call('close', { ...place, detail: { closedBy: 'server', reason, reset } }, () => closeNow(socket, reset))
      await closed(socket)
    }
  }

  /** The course's exchange: one recv(), its reply, close. */
  private async serveOnce(c: Connection): Promise<void> {
    const { socket, conn, remote } = c
    const place = placeOf(c)
    const peer = remote ? formatTuple(remote.address, remote.port) : UNKNOWN_PEER
    let leftover = 0
    try {
      const request = await recvOnce(c, this.config.recvSize, this.config.idleTimeoutMs)
      if (request === 'aborted') return
      if (request === 'timeout') {
        this.report.note(said('console:noRequest', { peer, seconds: this.config.idleTimeoutMs / 1000 }), conn)
        return
      }
      leftover = request.leftover
      this.report.data('recv', request.bytes, {
        ...place,
        detail: { what: 'stream', recvSize: this.config.recvSize, leftover: request.leftover, eof: request.eof, waiting: 0 }
      })
      this.report.console(`Received request from ${peer}`, conn)
      const reply = asciiUpper(request.bytes)
      // Stamped as the program calls send(): before its bytes leave (the write puts them on the wire).
      this.report.data('send', reply, { ...place, detail: { what: 'bytes' } })
      await write(socket, reply)
      this.report.console(`Sent reply to ${peer}`, conn)
    } catch (err) {
      const e = explainError(err, remote)
      this.report.failure(e, place)
      if (isReset(e)) this.report.console(`Connection reset by ${peer}`, conn)
    } finally {
      // The course's close() after one recv(): bytes it left unread make the kernel reset the connection.
      const reset = unreadAtClose(socket, leftover)
      const reason = c.closeAsked ? 'closed-here' : 'served'
      // Stamped as close() is called, right before its FIN (or RST), not when the socket has finished closing.
      this.report.call('close', { ...place, detail: { closedBy: 'server', reason, reset } }, () => closeNow(socket, reset))
      await closed(socket)
    }
  }
}

interface Received {
  bytes: Buffer
  /** Bytes that arrived in the same read but lie beyond recv()'s size: a real recv() leaves them in the kernel. */
  leftover: number
  eof: boolean
}

/** Python's conn.recv(n): waits for the first bytes (or end of stream), returns at most n of them. */
function recvOnce(c: Connection, size: number, idleTimeoutMs: number): Promise<Received | 'timeout' | 'aborted'> {
  const { socket } = c
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const done = (): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('error', onError)
      socket.off('close', onClose)
      socket.pause()
      c.abort = undefined
    }
    c.abort = () => {
      done()
      resolve('aborted')
    }
    const onData = (chunk: Buffer): void => {
      done()
      resolve({ bytes: chunk.subarray(0, size), leftover: Math.max(0, chunk.length - size), eof: false })
    }
    const onEnd = (): void => {
      done()
      resolve({ bytes: Buffer.alloc(0), leftover: 0, eof: true })
    }
    const onError = (err: Error): void => {
      done()
      reject(err)
    }
    const onClose = (): void => onError(c.failure ?? Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }))
    if (socket.destroyed) return onClose()
    if (idleTimeoutMs > 0)
      timer = setTimeout(() => {
        done()
        resolve('timeout')
      }, idleTimeoutMs)
    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('error', onError)
    socket.once('close', onClose)
    socket.resume()
  })
}

function write(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (bytes.length === 0) return resolve()
    socket.write(bytes, (err) => (err ? reject(err) : resolve()))
  })
}

/** bytes.upper() of Python, in place: only ASCII a-z change. */
function upperInPlace(bytes: Buffer): Buffer {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b >= 0x61 && b <= 0x7a) bytes[i] = b - 0x20
  }
  return bytes
}

/** Resolves once the socket's queued writes have gone into the kernel; rejects if it fails or closes first. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.off('drain', onDrain)
      socket.off('close', onClose)
      socket.off('error', done)
      if (err) reject(err)
      else resolve()
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(Object.assign(new Error('connection closed'), { code: 'EPIPE' }))
    socket.once('drain', onDrain)
    socket.once('close', onClose)
    socket.once('error', done)
  })
}

/** Resolves once the socket is closed; a peer that never reads (writes still queued) must not keep the slot: the FIN gets a moment, then it is dropped. */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve()
    const timer = setTimeout(() => socket.destroy(), 2000).unref()
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
