// What the server answers to a request, decided in one place: the status, the header fields and
// where the body's bytes come from. Nothing here touches a socket (the response writer does);
// the answer is ready at once when the static-files cache has what was asked for, and after a
// look at the disk otherwise.

import type { FileHandle } from 'node:fs/promises'
import { parseRange } from './byte-range'
import { printable, type RequestHead } from './request-head'
import { said, type Said } from '../../shared/i18n/said'
import { english } from '../english'
import { errorPage, type HeadFields } from './response-head'
import { isTargetProblem, parseTarget } from './safe-path'
import type { FileEntry, ReadyResponses, Resolution, StaticFiles } from './static-files'

/** Where a response's body comes from. */
export type BodySource =
  /** No bytes follow the head (HEAD, 304), though the head may announce a length. */
  | { from: 'nothing' }
  /** Bytes in memory: a page the server made, or a small file. `ready`: the cache's ready-made whole responses of that file. */
  | { from: 'memory'; bytes: Buffer; ready?: ReadyResponses }
  /** Bytes start..end (inclusive) of an open file, read from its checked descriptor; whoever writes it closes it. */
  | { from: 'file'; handle: FileHandle; start: number; end: number }

export interface HttpResponse extends HeadFields {
  body: BodySource
  /** Why, for 4xx and 5xx, for the log (worded at the edge). Sent, in English, only in the page of a refused request; a missing file's is never sent (it would tell an attacker where files are). */
  reason?: Said
}

/** Methods HTTP defines that this server does not do: 405. Any other method is unknown: 501. */
const KNOWN_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT'])
const NOTHING: BodySource = Object.freeze({ from: 'nothing' })

/** The response to `head`: at once when the cache answers, a promise when the disk must be asked. */
export function describeResponse(head: RequestHead, files: StaticFiles): HttpResponse | Promise<HttpResponse> {
  const keepAlive = wantsKeepAlive(head)
  const isHead = head.method === 'HEAD'
  if (head.method !== 'GET' && !isHead) {
    // The body of a POST etc. is not read: close after answering so it cannot be taken for a request.
    const status = KNOWN_METHODS.has(head.method) ? 405 : 501
    const reason = status === 405 ? said('http:refused.methodNotAllowed', { method: head.method }) : said('http:refused.methodNotImplemented', { method: printable(head.method, 20) })
    return errorResponse(status, reason, { keepAlive: false, extra: [['Allow', 'GET, HEAD']] })
  }
  const target = parseTarget(head.target)
  if (isTargetProblem(target)) return errorResponse(target.status, target.reason, { keepAlive, isHead })
  const found = files.lookUp(target)
  if (found instanceof Promise) return found.then((resolution) => answerWith(resolution, head, target.display, keepAlive, isHead))
  return answerWith(found, head, target.display, keepAlive, isHead)
}

/** The response to a request for `shown` (the path as the log shows it), once the folder has said what it names. */
function answerWith(resolution: Resolution, head: RequestHead, shown: string, keepAlive: boolean, isHead: boolean): HttpResponse | Promise<HttpResponse> {
  switch (resolution.kind) {
    case 'missing':
      return { status: resolution.status, keepAlive, headers: htmlHeaders(resolution.body), body: bodyOf(resolution.body, isHead), reason: said('http:log.pathReason', { path: shown, reason: resolution.reason }) }
    case 'redirect': {
      const page = errorPage(301, `Moved to ${resolution.location}`)
      return { status: 301, keepAlive, headers: [['Location', resolution.location], ...htmlHeaders(page)], body: bodyOf(page, isHead) }
    }
    case 'listing':
      return { status: 200, keepAlive, headers: htmlHeaders(resolution.body), body: bodyOf(resolution.body, isHead) }
    case 'file':
      return fileResponse(head, resolution, keepAlive, isHead)
  }
}

/** A response that says what went wrong in a short page (in English, as the server sends it): refused requests, methods not done. */
export function errorResponse(status: number, reason: Said, { keepAlive = false, isHead = false, extra = [] as HeadFields['headers'] } = {}): HttpResponse {
  const page = errorPage(status, english(reason))
  return { status, keepAlive, headers: [...extra, ...htmlHeaders(page)], body: bodyOf(page, isHead), reason }
}

/** The 503 for a connection past the cap: a one-line body that says why. */
export function busyResponse(max: number): HttpResponse {
  const bytes = Buffer.from(`This server already has ${max} connections open, its limit: try again in a moment.\n`)
  return { status: 503, keepAlive: false, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', bytes.length], ['Retry-After', 1]], body: { from: 'memory', bytes } }
}

/**
 * A file's response: 304 when the client's copy is current, 416 for a range beyond its end,
 * else 200 or 206 with its bytes from memory or from the open file. A descriptor that the
 * response does not read from (HEAD, 304, 416) is closed before it is answered.
 */
function fileResponse(head: RequestHead, file: FileEntry, keepAlive: boolean, isHead: boolean): HttpResponse | Promise<HttpResponse> {
  const response = fileAnswer(head, file, keepAlive, isHead)
  if (!file.handle || response.body.from === 'file') return response
  return file.handle.close().then(() => response)
}

function fileAnswer(head: RequestHead, file: FileEntry, keepAlive: boolean, isHead: boolean): HttpResponse {
  if (notModified(head, file)) return { status: 304, keepAlive, headers: [['Last-Modified', file.lastModified], ['ETag', file.etag]], body: NOTHING }
  const range = ifRangeHolds(head, file) ? parseRange(head.headers.get('range'), file.size) : { kind: 'none' as const }
  if (range.kind === 'unsatisfiable') {
    const page = errorPage(416, `The file has ${file.size} bytes.`)
    const reason = said('http:missing.rangeBeyond', { range: printable(head.headers.get('range') ?? '', 40), size: file.size })
    return { status: 416, keepAlive, headers: [['Content-Range', `bytes */${file.size}`], ...htmlHeaders(page)], body: bodyOf(page, isHead), reason }
  }
  const whole = range.kind === 'none'
  const start = whole ? 0 : range.start
  const end = whole ? file.size - 1 : range.end
  // The whole file's fields are made once per entry: the common request allocates none.
  const headers = whole ? (file.wholeHeaders ??= fileHeaders(file, 0, file.size - 1)) : [...fileHeaders(file, start, end), ['Content-Range', `bytes ${start}-${end}/${file.size}`] as const]
  const status = whole ? 200 : 206
  if (isHead) return { status, keepAlive, headers, body: NOTHING }
  if (file.body) {
    const body: BodySource = whole ? { from: 'memory', bytes: file.body, ready: file.ready } : { from: 'memory', bytes: file.body.subarray(start, end + 1) }
    return { status, keepAlive, headers, body }
  }
  if (!file.handle) throw new Error(`${file.realPath} was not opened`)
  return { status, keepAlive, headers, body: { from: 'file', handle: file.handle, start, end } }
}

/** The header fields of a file's bytes start..end (inclusive). */
function fileHeaders(file: FileEntry, start: number, end: number): HeadFields['headers'] {
  return [['Content-Type', file.type], ['Content-Length', end - start + 1], ['Last-Modified', file.lastModified], ['ETag', file.etag], ['Accept-Ranges', 'bytes']]
}

function htmlHeaders(page: Buffer): HeadFields['headers'] {
  return [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', page.length]]
}

function bodyOf(bytes: Buffer, isHead: boolean): BodySource {
  return isHead ? NOTHING : { from: 'memory', bytes }
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
