// The course's HTTP server (Python's SimpleHTTPRequestHandler on 8080), rebuilt on a plain TCP
// server so that every request head and response is visible as bytes. GET and HEAD of files
// under one folder; HTTP/1.0 and 1.1, keep-alive and pipelining, conditional and range requests.

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { HttpServerConfig, HttpServerLimits } from '../../shared/contract'
import type { RecvDetail, Side, SockAddr } from '../../shared/events'
import { formatTuple, PREVIEW_BYTES } from '../../shared/events'
import {
  HTTP_HEAD_DEADLINE_MS,
  HTTP_IDLE_MS,
  HTTP_LINGER_MS,
  HTTP_MAX_CONNECTIONS,
  HTTP_MAX_HEAD,
  HTTP_SEND_STALL_MS,
  HTTP_STREAM_QUEUE_BUDGET
} from '../../shared/limits'
import { sampleSiteDir } from '../host/paths'
import type { Endpoint, Reporter } from './endpoint'
import { acceptedLocal, boundAddr, placeOf, sockAddr } from './endpoint'
import { explainError, isReset, LabError } from './errors'
import { parseRange } from './http/byte-range'
import { parseRequestHead, printable, type RequestHead } from './http/request-head'
import { errorPage, responseHead, type HeadFields } from './http/response-head'
import { isTargetProblem, parseTarget } from './http/safe-path'
import { folderRefusal, machineContext } from './http/serving-policy'
import { StaticFiles, type FileEntry, type Resolution } from './http/static-files'
import { closeServer, listenTcp } from './net-util'

const STREAM_CHUNK = 1024 * 1024
const STREAM_AHEAD = 4 * STREAM_CHUNK
/** Chunks of downloads sent while the server's queue is over its budget: little memory per stuck client. */
const LEAN_CHUNK = 64 * 1024
/** While a reply is on its way, how many times per stall period the client's reading is looked at. */
const STALL_CHECKS = 4
/** Chunk buffers kept for the next download (at most this many: 32 MB). */
const CHUNK_POOL_MAX = 32
const chunkPool: Buffer[] = []
/** Bodies up to this size are copied behind their head into one buffer; bigger ones go by writev. */
const COPY_LIMIT = 16 * 1024
const SERVER_NAME = 'socklab'
/** Every read of a request is a plain read of the stream: one shared detail, not one per read. */
const READ_DETAIL: RecvDetail = Object.freeze({ what: 'stream', leftover: 0, eof: false, waiting: 0 })

const KNOWN_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT'])
const CR = 0x0d
const LF = 0x0a

interface Connection {
  socket: net.Socket
  conn: number
  local?: SockAddr
  remote?: SockAddr
  /** Bytes read but not yet parsed (a partial head, or pipelined requests). */
  pending: Buffer
  /** Body bytes of the current request still to be read and ignored. */
  skip: number
  /** Blank lines dropped before the head now awaited: they count towards the head limit. */
  blank: number
  /** When the first byte of the head now awaited arrived (0: none yet); the head deadline counts from here. */
  headStart: number
  /** When the last byte arrived or the last reply went out; idle time counts from here. */
  lastActive: number
  /** Reply bytes the kernel had taken at the last check, and when that count last grew (0: no reply was waiting). */
  flushed: number
  flushedAt: number
  busy: boolean
  closing: boolean
  /** A request was refused (400, 408, 431 ...): what the client sends from now on is dropped. */
  refused: boolean
  /** Which side closed first: the client when its FIN (or reset) came before ours. */
  closedBy: Side
  timer?: NodeJS.Timeout
}

interface Outcome {
  status: number
  /** Body bytes sent (for the log line). */
  bytes: number
  keepAlive: boolean
  /** Why, for 4xx/5xx: logged by the server, never sent to the client (it would tell an attacker where files are). */
  reason?: string
}

export class HttpServer implements Endpoint {
  /**
   * Half-open: a client may shut down its sending side right after its request (shutdown(SHUT_WR),
   * nc -N) and still read the answer; our side is ended once what it sent is answered.
   */
  private readonly server = net.createServer({ allowHalfOpen: true })
  private readonly sockets = new Set<net.Socket>()
  /** Connections over the cap: answered 503, then closed. */
  private readonly turnedAway = new Set<net.Socket>()
  private turnedAwayUnlogged = 0
  private turnedAwayLoggedAt = 0
  private readonly limits: HttpServerLimits
  /** Download bytes handed to sockets and not yet taken by the kernel, over all connections. */
  private streamQueued = 0
  private files?: StaticFiles
  private connections = 0
  private local?: SockAddr
  private stopped = false

  constructor(
    readonly id: string,
    readonly config: HttpServerConfig,
    private readonly report: Reporter
  ) {
    // A config may tighten a limit (tests, soak runs), never loosen it.
    const given = config.limits ?? {}
    const tighter = (value: number | undefined, limit: number): number => Math.min(value ?? limit, limit)
    this.limits = {
      headDeadlineMs: tighter(given.headDeadlineMs, HTTP_HEAD_DEADLINE_MS),
      idleMs: tighter(given.idleMs, HTTP_IDLE_MS),
      sendStallMs: tighter(given.sendStallMs, HTTP_SEND_STALL_MS),
      maxConnections: tighter(given.maxConnections, HTTP_MAX_CONNECTIONS)
    }
  }

  async start(): Promise<SockAddr | undefined> {
    const dotfiles = this.config.dotfiles === true
    this.files = new StaticFiles(servedFolder(this.config.root, dotfiles), dotfiles)
    const { address, port } = this.config
    await listenTcp(this.server, address, port, 511, (message, code) => this.report.error(message, code))
    this.server.on('connection', (socket) => this.onConnection(socket))
    this.local = boundAddr(this.server.address())
    const boundPort = this.local?.port ?? port
    this.report.event('listen', { local: this.local, detail: { address, port: boundPort, root: this.config.root } })
    this.report.console(`Serving at port ${boundPort}/tcp ...`)
    return this.local
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const socket of [...this.sockets, ...this.turnedAway]) socket.destroy()
    await closeServer(this.server)
    this.report.event('close', { local: this.local, detail: { closedBy: 'server', reason: 'server-stopped' } })
  }

  private onConnection(socket: net.Socket): void {
    if (this.stopped) return void socket.destroy()
    if (this.sockets.size >= this.limits.maxConnections) return this.turnAway(socket)
    socket.setNoDelay(true)
    const c: Connection = {
      socket,
      conn: ++this.connections,
      local: acceptedLocal(socket, this.local),
      remote: sockAddr(socket.remoteAddress, socket.remotePort),
      pending: Buffer.alloc(0),
      skip: 0,
      blank: 0,
      headStart: 0,
      lastActive: Date.now(),
      flushed: 0,
      flushedAt: 0,
      busy: false,
      closing: false,
      refused: false,
      closedBy: 'server'
    }
    this.sockets.add(socket)
    const fields = placeOf(c)
    this.report.event('accept', { ...fields, detail: {} })
    this.watch(c, Math.min(this.limits.idleMs, this.limits.headDeadlineMs))

    socket.on('data', (chunk: Buffer) => {
      this.report.data('recv', chunk, { ...fields, detail: READ_DETAIL })
      // After our side is closed, or a request was refused, nothing more is answered: keep no
      // bytes (a huge POST body must not pile up).
      if (socket.writableEnded || c.refused) return
      c.lastActive = Date.now()
      c.pending = c.pending.length === 0 ? chunk : Buffer.concat([c.pending, chunk])
      this.drain(c)
    })
    socket.on('end', () => {
      // The client sent FIN: answer what is complete, then close our side.
      c.closing = true
      if (!socket.writableEnded) c.closedBy = 'client'
      if (!c.busy) socket.end()
    })
    socket.on('error', (err) => {
      const e = explainError(err, c.remote)
      if (isReset(e) && !socket.writableEnded) c.closedBy = 'client'
      this.report.failure(e, fields)
    })
    // Once our FIN is out, a peer that never closes its side is dropped after a while.
    socket.once('finish', () => setTimeout(() => socket.destroy(), HTTP_LINGER_MS).unref())
    socket.once('close', () => {
      clearTimeout(c.timer)
      this.sockets.delete(socket)
      this.report.event('close', { ...fields, detail: { closedBy: c.closedBy, reason: 'ended' } })
    })
  }

  /**
   * One connection past the cap: a 503 that says why, then close. The server keeps serving the
   * others. Beyond as many again waiting to close, connections are dropped without a word.
   */
  private turnAway(socket: net.Socket): void {
    if (this.turnedAway.size >= this.limits.maxConnections) return void socket.destroy()
    this.turnedAway.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => this.turnedAway.delete(socket))
    // Read and drop what the client sends, so that its request does not turn our close into a reset.
    socket.resume()
    socket.end(busyResponse(this.limits.maxConnections))
    setTimeout(() => socket.destroy(), HTTP_LINGER_MS).unref()
    // One console line a second at most: a flood of connections must not become a flood of lines.
    const now = Date.now()
    if (now - this.turnedAwayLoggedAt < 1000) return void this.turnedAwayUnlogged++
    const more = this.turnedAwayUnlogged > 0 ? ` (and ${this.turnedAwayUnlogged} more since the previous such line)` : ''
    this.report.console(`Refused a connection from ${formatTuple(socket.remoteAddress ?? '?', socket.remotePort ?? 0)} with 503: this server already has ${this.limits.maxConnections} connections, its limit${more}`)
    this.turnedAwayLoggedAt = now
    this.turnedAwayUnlogged = 0
  }

  /**
   * Looks at the connection's clocks again in `ms`, or sooner: a reply that gets stuck in the
   * meantime must be noticed within a fraction of the stall timeout.
   */
  private watch(c: Connection, ms: number): void {
    c.timer = setTimeout(() => this.check(c), Math.max(1, Math.min(ms, this.limits.sendStallMs / STALL_CHECKS)))
    c.timer.unref()
  }

  /**
   * Closes a connection whose time is up, else sets the next look. While a reply is on its way,
   * only the client's reading counts (a client that sends but never reads must not stay for ever);
   * otherwise a head must be complete by its deadline, and a silent connection goes when idle.
   */
  private check(c: Connection): void {
    if (c.socket.destroyed) return
    const now = Date.now()
    const { sendStallMs, headDeadlineMs, idleMs } = this.limits
    if (c.socket.writableLength > 0) {
      const flushed = c.socket.bytesWritten - c.socket.writableLength
      if (c.flushedAt === 0 || flushed !== c.flushed) {
        c.flushed = flushed
        c.flushedAt = now
      } else if (now - c.flushedAt >= sendStallMs) {
        this.report.console(`${peerOf(c)} took no bytes of the reply for ${sendStallMs / 1000} s: closing the connection`, c.conn)
        return void c.socket.destroy()
      }
      return this.watch(c, sendStallMs / STALL_CHECKS)
    }
    c.flushedAt = 0
    if (c.busy || c.socket.writableEnded) {
      // Our own work (a file being read) or our FIN going out: the client is not idle.
      c.lastActive = now
      return this.watch(c, idleMs)
    }
    if (c.headStart > 0 && now - c.headStart >= headDeadlineMs) return this.refuse(c, 408, `no complete request head within ${headDeadlineMs / 1000} s`)
    if (now - c.lastActive >= idleMs) {
      if (c.pending.length > 0 || c.headStart > 0) this.report.console(`No complete request from ${peerOf(c)} within ${idleMs / 1000} s: closing`, c.conn)
      return void c.socket.destroy()
    }
    const deadline = c.headStart > 0 ? c.headStart + headDeadlineMs : Infinity
    this.watch(c, Math.min(c.lastActive + idleMs, deadline) - now)
  }

  /** Answers a request that cannot be served (or never came whole) with `status`, then closes. */
  private refuse(c: Connection, status: number, reason: string): void {
    const line = `"${printable(firstLine(c.pending), 200)}"`
    c.pending = Buffer.alloc(0)
    c.refused = true
    c.busy = true
    void this.sendError(c, status, reason, false, false).then((bytes) => {
      c.busy = false
      this.finish(c, line, { status, bytes, keepAlive: false, reason })
    })
  }

  /** Serves the requests waiting in `pending`, one at a time, in order (pipelining). */
  private drain(c: Connection): void {
    // Once we have ended our side (an error, Connection: close) nothing more is answered.
    while (!c.busy && !c.socket.destroyed && !c.socket.writableEnded) {
      if (c.skip > 0) {
        const n = Math.min(c.skip, c.pending.length)
        c.skip -= n
        c.pending = c.pending.subarray(n)
        if (c.skip > 0) return this.awaitMore(c)
      }
      if (c.pending[0] === CR || c.pending[0] === LF) {
        // Blank lines before a request are dropped as they come, and counted against the head limit.
        const blank = blankLines(c.pending)
        c.blank += blank
        c.pending = c.pending.subarray(blank)
        if (c.blank > HTTP_MAX_HEAD) return this.refuse(c, 431, `more than ${HTTP_MAX_HEAD} bytes of blank lines before a request`)
      }
      if (c.pending.length === 0) {
        if (c.closing) c.socket.end()
        else if (c.blank > 0 && c.headStart === 0) c.headStart = Date.now()
        return
      }
      const parsed = parseRequestHead(c.pending, HTTP_MAX_HEAD - c.blank)
      if ('incomplete' in parsed) {
        if (c.headStart === 0) c.headStart = Date.now()
        return this.awaitMore(c)
      }
      if ('problem' in parsed) return this.refuse(c, parsed.problem.status, parsed.problem.reason)
      c.headStart = 0
      c.blank = 0
      const head = parsed.head
      c.pending = c.pending.subarray(head.size)
      c.skip = head.bodyLength
      // Most requests are a GET of a small file already in memory: answer at once, no promises.
      const quick = this.answerFromMemory(c, head)
      if (quick) {
        this.finish(c, logged(head), quick)
        if (!c.socket.writableNeedDrain) continue
        // The client is not reading: wait for it before the next request.
        c.busy = true
        c.socket.pause()
        void drained(c.socket).then(() => this.resumeAfter(c))
        return
      }
      c.busy = true
      c.socket.pause()
      void this.respond(c, head)
        .catch((err) => {
          const e = explainError(err, c.remote)
          this.report.error(`could not answer: ${e.message}`, e.code, placeOf(c))
          c.socket.destroy()
          return null
        })
        .then((outcome) => {
          if (outcome) this.finish(c, logged(head), outcome)
          this.resumeAfter(c)
        })
    }
  }

  /** The rest of a request is still to come; if the client has shut its side, it never will: close ours. */
  private awaitMore(c: Connection): void {
    if (c.closing) c.socket.end()
  }

  /** A response is out: read and answer what comes next on the connection. */
  private resumeAfter(c: Connection): void {
    c.busy = false
    if (c.socket.destroyed || c.socket.writableEnded) return
    c.socket.resume()
    c.lastActive = Date.now()
    this.drain(c)
  }

  /** The whole of a fresh, in-memory file for a plain GET; undefined for anything else. */
  private answerFromMemory(c: Connection, head: RequestHead): Outcome | undefined {
    if (head.method !== 'GET' || head.headers.has('range') || head.headers.has('if-modified-since') || head.headers.has('if-none-match')) return undefined
    const target = parseTarget(head.target)
    if (isTargetProblem(target)) return undefined
    const file = this.files!.cached(target)
    if (!file?.body || file.body.length > COPY_LIMIT) return undefined
    const keepAlive = wantsKeepAlive(head)
    return { status: 200, bytes: this.writeWhole(c, file, keepAlive), keepAlive }
  }

  /** Writes the prebuilt 200 response of a small in-memory file; returns the body bytes. */
  private writeWhole(c: Connection, file: FileEntry, keepAlive: boolean): number {
    const body = file.body!
    const bytes = wholeResponse(file, keepAlive)
    if (c.socket.destroyed) return 0
    c.socket.write(bytes)
    this.report.data('send', bytes.subarray(0, bytes.length - body.length + PREVIEW_BYTES), { ...placeOf(c), length: bytes.length, detail: { what: 'response', status: 200, streamed: false } })
    return body.length
  }

  /** The Python-style log line, and the close of a connection that is not kept alive. */
  private finish(c: Connection, requestLine: string, outcome: Outcome): void {
    const size = outcome.status === 304 || outcome.bytes === 0 ? '-' : String(outcome.bytes)
    // Python's handler logs a refused request the same way: `code 404, message ...`, then the request.
    if (outcome.reason) this.report.console(`${c.remote?.address ?? '?'} - - [${logDate()}] code ${outcome.status}, message ${outcome.reason}`, c.conn)
    this.report.console(`${c.remote?.address ?? '?'} - - [${logDate()}] ${requestLine} ${outcome.status} ${size}`, c.conn)
    if (!outcome.keepAlive && !c.socket.destroyed) c.socket.end()
  }

  private async respond(c: Connection, head: RequestHead): Promise<Outcome> {
    const keepAlive = wantsKeepAlive(head)
    const isHead = head.method === 'HEAD'
    if (head.method !== 'GET' && !isHead) {
      // The body of a POST etc. is not read: close after answering so it cannot be taken for a request.
      const status = KNOWN_METHODS.has(head.method) ? 405 : 501
      const reason = status === 405 ? `method ${head.method} not allowed: this server only reads files (GET, HEAD)` : `method ${printable(head.method, 20)} not implemented`
      return { status, bytes: await this.sendError(c, status, reason, false, false, [['Allow', 'GET, HEAD']]), keepAlive: false, reason }
    }
    const target = parseTarget(head.target)
    if (isTargetProblem(target)) {
      return { status: target.status, bytes: await this.sendError(c, target.status, target.reason, keepAlive, isHead), keepAlive, reason: target.reason }
    }
    const found: Resolution = await this.files!.resolve(target)
    switch (found.kind) {
      case 'missing':
        return { status: found.status, bytes: await this.write(c, { status: found.status, keepAlive, headers: htmlHeaders(found.body) }, found.body, isHead), keepAlive, reason: `${target.display}: ${found.reason}` }
      case 'redirect': {
        const body = errorPage(301, `Moved to ${found.location}`)
        const headers: HeadFields['headers'] = [['Location', found.location], ...htmlHeaders(body)]
        return { status: 301, bytes: await this.write(c, { status: 301, keepAlive, headers }, body, isHead), keepAlive }
      }
      case 'listing':
        return { status: 200, bytes: await this.write(c, { status: 200, keepAlive, headers: htmlHeaders(found.body) }, found.body, isHead), keepAlive }
      case 'file':
        try {
          return await this.sendFile(c, head, found, keepAlive, isHead)
        } finally {
          await found.handle?.close()
        }
    }
  }

  private async sendFile(c: Connection, head: RequestHead, file: FileEntry, keepAlive: boolean, isHead: boolean): Promise<Outcome> {
    const validators: HeadFields['headers'] = [['Last-Modified', file.lastModified], ['ETag', file.etag]]
    if (notModified(head, file)) {
      return { status: 304, bytes: await this.write(c, { status: 304, keepAlive, headers: validators }, undefined, true), keepAlive }
    }
    const range = ifRangeHolds(head, file) ? parseRange(head.headers.get('range'), file.size) : { kind: 'none' as const }
    if (range.kind === 'unsatisfiable') {
      const body = errorPage(416, `The file has ${file.size} bytes.`)
      const headers: HeadFields['headers'] = [['Content-Range', `bytes */${file.size}`], ...htmlHeaders(body)]
      return { status: 416, bytes: await this.write(c, { status: 416, keepAlive, headers }, body, isHead), keepAlive, reason: `range <${printable(head.headers.get('range') ?? '', 40)}> lies beyond the file's ${file.size} bytes` }
    }
    const start = range.kind === 'range' ? range.start : 0
    const end = range.kind === 'range' ? range.end : file.size - 1
    const status = range.kind === 'range' ? 206 : 200
    const headers = fileHeaders(file, start, end)
    if (status === 206) headers.push(['Content-Range', `bytes ${start}-${end}/${file.size}`])
    if (file.body && status === 200 && !isHead) return { status, bytes: await this.sendWhole(c, file, headers, keepAlive), keepAlive }
    if (file.body) return { status, bytes: await this.write(c, { status, keepAlive, headers }, file.body.subarray(start, end + 1), isHead), keepAlive }
    return { status, bytes: await this.stream(c, { status, keepAlive, headers }, file, start, end, isHead), keepAlive }
  }

  private sendError(c: Connection, status: number, reason: string, keepAlive: boolean, isHead: boolean, extra: HeadFields['headers'] = []): Promise<number> {
    const body = errorPage(status, reason)
    return this.write(c, { status, keepAlive, headers: [...extra, ...htmlHeaders(body)] }, body, isHead)
  }

  /** Writes a head and an in-memory body; resolves with the body bytes once the socket can take more. */
  private async write(c: Connection, fields: HeadFields, body: Buffer | undefined, headOnly: boolean): Promise<number> {
    const head = responseHead(fields, SERVER_NAME)
    const payload = headOnly || !body ? undefined : body
    if (c.socket.destroyed) return 0
    if (payload && payload.length > COPY_LIMIT) {
      // Two buffers in one writev: no copy of a large body per request.
      c.socket.cork()
      c.socket.write(head)
      c.socket.write(payload)
      c.socket.uncork()
    } else {
      c.socket.write(payload ? Buffer.concat([head, payload]) : head)
    }
    const total = head.length + (payload?.length ?? 0)
    this.report.data('send', payload ? [head, payload] : head, { ...placeOf(c), length: total, detail: { what: 'response', status: fields.status, streamed: false } })
    await drained(c.socket)
    return payload?.length ?? 0
  }

  /**
   * The common case, a whole small file from memory: its complete response (head and body) is
   * built once per second (the Date header's resolution) and then written as it is.
   */
  private async sendWhole(c: Connection, file: FileEntry, headers: HeadFields['headers'], keepAlive: boolean): Promise<number> {
    if (file.body!.length > COPY_LIMIT) return this.write(c, { status: 200, keepAlive, headers }, file.body, false)
    const sent = this.writeWhole(c, file, keepAlive)
    await drained(c.socket)
    return sent
  }

  /**
   * Big files go from disk to socket in chunks, at the pace the client reads, from the descriptor
   * that was checked to lie inside the folder.
   */
  private async stream(c: Connection, fields: HeadFields, file: FileEntry, start: number, end: number, headOnly: boolean): Promise<number> {
    if (headOnly) return this.write(c, fields, undefined, true)
    const handle = file.handle
    if (!handle) throw new Error(`${file.realPath} was not opened`)
    const head = responseHead(fields, SERVER_NAME)
    c.socket.write(head)
    let sent = 0
    let first: Buffer | undefined
    // Over the server's budget, every download sends small chunks one at a time: clients that do
    // not read then hold little memory each until the send-stall timeout closes them.
    const lean = (): boolean => this.streamQueued > HTTP_STREAM_QUEUE_BUDGET
    const readInto = (position: number): Promise<Buffer> => {
      const buffer = lean() ? Buffer.allocUnsafe(LEAN_CHUNK) : (chunkPool.pop() ?? Buffer.allocUnsafeSlow(STREAM_CHUNK))
      const size = Math.min(buffer.length, end + 1 - position)
      return handle.read(buffer, 0, size, position).then((r) => buffer.subarray(0, r.bytesRead))
    }
    // One read always in flight ahead of the socket, into buffers that are reused once the kernel
    // has taken their bytes: no fresh memory (and no page faults) per chunk.
    let next: Promise<Buffer> | undefined = readInto(start)
    while (next && !c.socket.destroyed) {
      const chunk = await next
      if (chunk.length === 0) {
        recycle(chunk)
        break
      }
      sent += chunk.length
      next = start + sent <= end ? readInto(start + sent) : undefined
      // The pooled chunk is reused: keep a copy of the preview's bytes, if anyone looks at them.
      if (!first && this.report.previews) first = Buffer.from(chunk.subarray(0, PREVIEW_BYTES))
      this.streamQueued += chunk.length
      c.socket.write(chunk, () => {
        this.streamQueued -= chunk.length
        recycle(chunk)
      })
      // A few chunks may queue in the socket, no more: memory stays bounded per download.
      if (c.socket.writableLength > (lean() ? 0 : STREAM_AHEAD)) await drained(c.socket)
    }
    if (next) recycle(await next.catch(() => Buffer.alloc(0)))
    this.report.data('send', first ? [head, first] : head, { ...placeOf(c), length: head.length + sent, detail: { what: 'response', status: fields.status, streamed: true } })
    if (sent !== end - start + 1 && !c.socket.destroyed) {
      // The file shrank while we sent it: the length we promised is wrong, so the connection must go.
      c.socket.destroy()
    }
    return sent
  }
}

/** Gives a download's chunk buffer back once the kernel has its bytes. */
function recycle(chunk: Buffer): void {
  if (chunkPool.length < CHUNK_POOL_MAX && chunk.buffer.byteLength === STREAM_CHUNK) chunkPool.push(Buffer.from(chunk.buffer, 0, STREAM_CHUNK))
}

/** The request line as Python's log shows it, quoted. */
function logged(head: RequestHead): string {
  return `"${printable(`${head.method} ${head.target} ${head.version}`, 200)}"`
}

/** A complete 200 response for a small in-memory file, built once per second (the Date header's resolution). */
function wholeResponse(file: FileEntry, keepAlive: boolean): Buffer {
  const second = Math.floor(Date.now() / 1000)
  const ready = file.responses?.second === second ? file.responses : (file.responses = { second })
  const which = keepAlive ? 'keepAlive' : 'close'
  return (ready[which] ??= Buffer.concat([responseHead({ status: 200, keepAlive, headers: fileHeaders(file, 0, file.size - 1) }, SERVER_NAME), file.body!]))
}

/** The headers of a file's bytes start..end (inclusive). */
function fileHeaders(file: FileEntry, start: number, end: number): HeadFields['headers'] {
  return [['Content-Type', file.type], ['Content-Length', end - start + 1], ['Last-Modified', file.lastModified], ['ETag', file.etag], ['Accept-Ranges', 'bytes']]
}

/**
 * The folder to serve, as a real path. A missing folder is the user's mistake, and a folder the
 * serving policy refuses (the system, a home folder ...) is said why; both in one line.
 */
function servedFolder(root: string, dotfiles: boolean): string {
  let stat: fs.Stats
  try {
    stat = fs.statSync(root)
  } catch {
    throw new LabError(`directory <${root}> does not exist`, 'ENOENT')
  }
  if (!stat.isDirectory()) throw new LabError(`<${root}> is not a directory`, 'ENOTDIR')
  const real = fs.realpathSync.native(path.resolve(root))
  const refused = folderRefusal(real, machineContext(dotfiles, shippedFolders()))
  if (refused) throw new LabError(refused, 'EPERM')
  return real
}

/** Folders that ship with socklab (its sample site): served wherever the app is installed. */
function shippedFolders(): string[] {
  try {
    return [fs.realpathSync.native(sampleSiteDir())]
  } catch {
    return []
  }
}

/** The 503 for a connection past the cap: a one-line body that says why. */
function busyResponse(max: number): Buffer {
  const body = Buffer.from(`This server already has ${max} connections open, its limit: try again in a moment.\n`)
  const head = responseHead({ status: 503, keepAlive: false, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', body.length], ['Retry-After', 1]] }, SERVER_NAME)
  return Buffer.concat([head, body])
}

/** Bytes of complete blank lines (CRLF or LF) at the start of `buf`. */
function blankLines(buf: Buffer): number {
  let n = 0
  while (n < buf.length) {
    if (buf[n] === LF) n += 1
    else if (buf[n] === CR && buf[n + 1] === LF) n += 2
    else break
  }
  return n
}

function wantsKeepAlive(head: RequestHead): boolean {
  const connection = (head.headers.get('connection') ?? '').toLowerCase()
  if (head.version === 'HTTP/1.0') return /\bkeep-alive\b/.test(connection)
  return !/\bclose\b/.test(connection)
}

function notModified(head: RequestHead, file: FileEntry): boolean {
  const etags = head.headers.get('if-none-match')
  if (etags !== undefined) return etags.trim() === '*' || etags.split(',').some((t) => t.trim().replace(/^W\//, '') === file.etag.replace(/^W\//, ''))
  const since = head.headers.get('if-modified-since')
  if (since === undefined) return false
  const t = Date.parse(since)
  return !Number.isNaN(t) && file.mtimeSeconds * 1000 <= t
}

/** If-Range: the range applies only if the client's copy is still the current one. */
function ifRangeHolds(head: RequestHead, file: FileEntry): boolean {
  const condition = head.headers.get('if-range')
  if (condition === undefined) return true
  return condition === file.lastModified || condition === file.etag
}

function htmlHeaders(body: Buffer): HeadFields['headers'] {
  return [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', body.length]]
}

/** Resolves when the socket's buffer has room again (or the socket is gone). */
function drained(socket: net.Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}

function firstLine(bytes: Buffer): string {
  const end = bytes.indexOf(0x0a)
  return bytes.toString('latin1', 0, Math.min(end < 0 ? bytes.length : end, 300)).replace(/\r$/, '')
}

function peerOf(c: Connection): string {
  return formatTuple(c.remote?.address ?? '?', c.remote?.port ?? 0)
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** Python's log_date_time_string(): 25/Nov/2026 10:00:00, local time. */
let logSecond = -1
let logText = ''
function logDate(): string {
  const now = Date.now()
  if (Math.floor(now / 1000) === logSecond) return logText
  logSecond = Math.floor(now / 1000)
  const d = new Date(now)
  const two = (n: number): string => String(n).padStart(2, '0')
  logText = `${two(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  return logText
}
