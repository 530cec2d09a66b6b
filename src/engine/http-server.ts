// The course's HTTP server (Python's SimpleHTTPRequestHandler on 8080), rebuilt on a plain TCP
// server so that every request head and response is visible as bytes. GET and HEAD of files
// under one folder; HTTP/1.0 and 1.1, keep-alive and pipelining, conditional and range requests.

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { HttpServerConfig, HttpServerLimits } from '../shared/contract'
import type { RecvDetail, Side, SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import { HTTP_HEAD_DEADLINE_MS, HTTP_IDLE_MS, HTTP_LINGER_MS, HTTP_MAX_CONNECTIONS, HTTP_MAX_HEAD, HTTP_SEND_STALL_MS } from '../shared/limits'
import { sampleSiteDir } from './paths'
import type { Reporter } from './endpoint'
import { acceptedLocal, placeOf, sockAddr } from './endpoint'
import { explainError, isReset, LabError } from './errors'
import { parseRequestHead, printable, type RequestHead } from './http/request-head'
import { busyResponse, describeResponse, errorResponse, type HttpResponse } from './http/response'
import { drained, ResponseWriter } from './http/response-writer'
import { folderRefusal, machineContext } from './http/serving-policy'
import { StaticFiles } from './http/static-files'
import { TcpServerCore } from './server-core'
import { said, type Said } from '../shared/i18n/said'
import { english } from './english'

/** While a reply is on its way, how many times per stall period the client's reading is looked at. */
const STALL_CHECKS = 4
/** Every read of a request is a plain read of the stream: one shared detail, not one per read. */
const READ_DETAIL: RecvDetail = Object.freeze({ what: 'stream', leftover: 0, eof: false, waiting: 0 })

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
  /** Its close() is in the log: said when the server called it, before its FIN. */
  closeSaid?: true
}

export class HttpServer extends TcpServerCore<HttpServerConfig> {
  /**
   * Half-open: a client may shut down its sending side right after its request (shutdown(SHUT_WR),
   * nc -N) and still read the answer; our side is ended once what it sent is answered.
   */
  protected readonly server = net.createServer({ allowHalfOpen: true })
  /** Connections over the cap: answered 503, then closed. */
  private readonly turnedAway = new Set<net.Socket>()
  /** Connections closed by the server (close() said) whose socket is not gone yet: they no longer count towards the cap. */
  private closing = 0
  private turnedAwayUnlogged = 0
  private turnedAwayLoggedAt = 0
  private readonly limits: HttpServerLimits
  private readonly writer: ResponseWriter
  /** This server's folder, and its own cache of it. */
  private files?: StaticFiles

  constructor(id: string, config: HttpServerConfig, report: Reporter) {
    super(id, config, report)
    // A config may tighten a limit (tests, soak runs), never loosen it.
    const given = config.limits ?? {}
    const tighter = (value: number | undefined, limit: number): number => Math.min(value ?? limit, limit)
    this.limits = {
      headDeadlineMs: tighter(given.headDeadlineMs, HTTP_HEAD_DEADLINE_MS),
      idleMs: tighter(given.idleMs, HTTP_IDLE_MS),
      sendStallMs: tighter(given.sendStallMs, HTTP_SEND_STALL_MS),
      maxConnections: tighter(given.maxConnections, HTTP_MAX_CONNECTIONS)
    }
    this.writer = new ResponseWriter(report)
  }

  async start(): Promise<SockAddr | undefined> {
    const dotfiles = this.config.dotfiles === true
    this.files = new StaticFiles(servedFolder(this.config.root, dotfiles), dotfiles)
    const { address, port } = this.config
    await this.listen(511, (message, code) => this.report.error(message, code))
    const boundPort = this.local?.port ?? port
    this.report.event('listen', { local: this.local, detail: { address, port: boundPort, root: this.config.root } })
    this.report.console(`Serving at port ${boundPort}/tcp ...`)
    return this.local
  }

  protected override closeAll(): Promise<boolean> {
    for (const socket of this.turnedAway) socket.destroy()
    return super.closeAll()
  }

  protected onConnection(socket: net.Socket): void {
    if (this.sockets.size - this.closing >= this.limits.maxConnections) return this.turnAway(socket)
    socket.setNoDelay(true)
    const c: Connection = {
      socket,
      conn: this.nextConn(),
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
    this.track(socket)
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
      if (!c.busy) this.close(c)
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
      // A connection dropped (destroyed: a time-out, a reset) is said once it is gone.
      if (c.closeSaid) this.closing--
      else this.report.event('close', { ...fields, detail: { closedBy: c.closedBy, reason: 'ended' } })
    })
  }

  /** close(): said as it is called, before its FIN leaves (end() sends it once the writes are out). */
  private close(c: Connection): void {
    if (!c.closeSaid && !c.socket.destroyed) {
      c.closeSaid = true
      this.closing++
      this.report.event('close', { ...placeOf(c), detail: { closedBy: c.closedBy, reason: 'ended' } })
    }
    c.socket.end()
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
    socket.end(this.writer.bytesOf(busyResponse(this.limits.maxConnections)))
    setTimeout(() => socket.destroy(), HTTP_LINGER_MS).unref()
    // One console line a second at most: a flood of connections must not become a flood of lines.
    const now = Date.now()
    if (now - this.turnedAwayLoggedAt < 1000) return void this.turnedAwayUnlogged++
    const peer = formatTuple(socket.remoteAddress ?? '?', socket.remotePort ?? 0)
    const max = this.limits.maxConnections
    const more = this.turnedAwayUnlogged
    this.report.note(more > 0 ? said('http:note.turnedAwayAndMore', { peer, max, count: more }) : said('http:note.turnedAway', { peer, max }))
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
        this.report.note(said('http:note.sendStall', { peer: peerOf(c), seconds: sendStallMs / 1000 }), c.conn)
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
    if (c.headStart > 0 && now - c.headStart >= headDeadlineMs) return this.refuse(c, 408, said('http:refused.headDeadline', { seconds: headDeadlineMs / 1000 }))
    if (now - c.lastActive >= idleMs) {
      if (c.pending.length > 0 || c.headStart > 0) this.report.note(said('http:note.idle', { peer: peerOf(c), seconds: idleMs / 1000 }), c.conn)
      return void c.socket.destroy()
    }
    const deadline = c.headStart > 0 ? c.headStart + headDeadlineMs : Infinity
    this.watch(c, Math.min(c.lastActive + idleMs, deadline) - now)
  }

  /** Answers a request that cannot be served (or never came whole) with `status`, then closes. */
  private refuse(c: Connection, status: number, reason: Said): void {
    const line = `"${printable(firstLine(c.pending), 200)}"`
    c.pending = Buffer.alloc(0)
    c.refused = true
    this.settle(c, this.answer(c, line, errorResponse(status, reason)))
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
        if (c.blank > HTTP_MAX_HEAD) return this.refuse(c, 431, said('http:refused.blankLines', { max: HTTP_MAX_HEAD }))
      }
      if (c.pending.length === 0) {
        if (c.closing) this.close(c)
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
      // Most requests are answered at once, from the cache: the next one is read in the same turn.
      const waiting = this.answer(c, logged(head), describeResponse(head, this.files!))
      if (waiting) return this.settle(c, waiting)
    }
  }

  /**
   * Writes a response and logs it. Returns a promise when what comes next on the connection must
   * wait: for the disk (a file not in the cache, a download), or for a client that is not reading.
   */
  private answer(c: Connection, line: string, response: HttpResponse | Promise<HttpResponse>): Promise<void> | undefined {
    if (response instanceof Promise) return response.then((r) => this.answer(c, line, r))
    const sent = this.writer.send(c, response)
    if (typeof sent !== 'number') return sent.then((bytes) => this.finish(c, line, response, bytes))
    this.finish(c, line, response, sent)
    return c.socket.writableNeedDrain ? drained(c.socket) : undefined
  }

  /** Reads nothing more from the connection until `waiting` is over, then goes on with it. */
  private settle(c: Connection, waiting: Promise<void> | undefined): void {
    if (!waiting) return
    c.busy = true
    c.socket.pause()
    void waiting
      .catch((err) => {
        const e = explainError(err, c.remote)
        this.report.error(`could not answer: ${e.message}`, e.code, placeOf(c))
        c.socket.destroy()
      })
      .then(() => this.resumeAfter(c))
  }

  /** The rest of a request is still to come; if the client has shut its side, it never will: close ours. */
  private awaitMore(c: Connection): void {
    if (c.closing) this.close(c)
  }

  /** A response is out: read and answer what comes next on the connection. */
  private resumeAfter(c: Connection): void {
    c.busy = false
    if (c.socket.destroyed || c.socket.writableEnded) return
    c.socket.resume()
    c.lastActive = Date.now()
    this.drain(c)
  }

  /** The Python-style log line, and the close of a connection that is not kept alive. */
  private finish(c: Connection, requestLine: string, response: HttpResponse, bodyBytes: number): void {
    const size = response.status === 304 || bodyBytes === 0 ? '-' : String(bodyBytes)
    // Python's handler logs a refused request the same way: `code 404, message ...`, then the request.
    if (response.reason) this.report.note(said('http:log.refused', { client: c.remote?.address ?? '?', date: logDate(), status: response.status, reason: response.reason }), c.conn)
    this.report.console(`${c.remote?.address ?? '?'} - - [${logDate()}] ${requestLine} ${response.status} ${size}`, c.conn)
    if (!response.keepAlive && !c.socket.destroyed) this.close(c)
  }
}

/** The request line as Python's log shows it, quoted. */
function logged(head: RequestHead): string {
  return `"${printable(`${head.method} ${head.target} ${head.version}`, 200)}"`
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
    throw refusedFolder(said('http:folder.doesNotExist', { root }), 'ENOENT')
  }
  if (!stat.isDirectory()) throw refusedFolder(said('http:folder.notDirectory', { root }), 'ENOTDIR')
  const real = fs.realpathSync.native(path.resolve(root))
  const refused = folderRefusal(real, machineContext(dotfiles, shippedFolders()))
  if (refused) throw refusedFolder(refused, 'EPERM')
  return real
}

/** A folder that cannot be served: its English words, and what they mean for an edge to word. */
function refusedFolder(why: Said, code: string): LabError {
  return new LabError(english(why), code, why)
}

/** Folders that ship with socklab (its sample site): served wherever the app is installed. */
function shippedFolders(): string[] {
  try {
    return [fs.realpathSync.native(sampleSiteDir())]
  } catch {
    return []
  }
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
