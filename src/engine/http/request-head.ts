// Reads HTTP/1.x request heads out of a TCP byte stream. Our own parser (not node:http) so that
// the lab sees and reports the exact bytes that crossed the wire, and so that limits and errors
// are ours to word for students.

import { HTTP_MAX_HEAD, HTTP_MAX_HEADER_LINES, HTTP_MAX_REQUEST_LINE } from '../../shared/limits'
import { said, type Said } from '../../shared/i18n/said'

export interface RequestHead {
  method: string
  /** The request-target as sent (origin form `/a/b?q`, or absolute form `http://h/a`). */
  target: string
  /** "HTTP/1.0" or "HTTP/1.1". */
  version: string
  /** Lower-cased names; repeated headers are joined with ", " as RFC 9110 allows. */
  headers: Map<string, string>
  /** Bytes of the head on the wire, request line to the blank line inclusive. */
  size: number
  /** Body bytes announced by Content-Length (to be skipped: GET and HEAD bodies mean nothing). */
  bodyLength: number
}

/** A head we cannot serve; `status` is what to answer before closing. */
export interface HeadProblem {
  status: 400 | 414 | 431 | 501 | 505
  /** Why, for the log and (in English) the error page. */
  reason: Said
}

export type ParseResult = { head: RequestHead } | { problem: HeadProblem } | { incomplete: true }

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const VERSION = /^HTTP\/(\d)\.(\d)$/

/**
 * Parses the head at the start of `buf`, if a complete one is there. `maxHead` is what is left of
 * the head limit once the blank lines already dropped before it are counted.
 */
export function parseRequestHead(buf: Buffer, maxHead = HTTP_MAX_HEAD): ParseResult {
  // Tolerate blank lines before a request (RFC 9112 §2.2): some clients send a stray CRLF. They
  // count towards the head limit, so that a stream of them cannot grow without end.
  let start = 0
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2
  while (start < buf.length && buf[start] === 0x0a) start += 1

  const end = findHeadEnd(buf, start)
  if (!end) {
    const lineEnd = buf.indexOf(0x0a, start)
    if (lineEnd < 0) {
      if (buf.length - start > HTTP_MAX_REQUEST_LINE) return problem(414, said('http:refused.requestLineTooLong'))
    } else {
      // The request line is complete: a bad one (such as HTTP/0.9's "GET /path") is answered at
      // once rather than after waiting for headers that will never come.
      const line = requestLine(buf.toString('latin1', start, buf[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd))
      if ('problem' in line) return line
    }
    if (buf.length > maxHead) return problem(431, said('http:refused.headerFieldsTooLarge'))
    return { incomplete: true }
  }
  if (end.headEnd > maxHead) return problem(431, said('http:refused.headerFieldsTooLarge'))

  // latin1 keeps one character per byte, so nothing in a hostile head can change lengths.
  const lines = buf.toString('latin1', start, end.linesEnd).split(/\r?\n/)
  const line = requestLine(lines[0])
  if ('problem' in line) return line
  const { method, target, version } = line

  const headers = new Map<string, string>()
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]
    if (i > HTTP_MAX_HEADER_LINES) return problem(431, said('http:refused.tooManyHeaderFields'))
    if (line.startsWith(' ') || line.startsWith('\t')) return problem(400, said('http:refused.headerFolding'))
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon) : ''
    if (!TOKEN.test(name)) return problem(400, said('http:refused.malformedHeaderLine', { line: printable(line) }))
    const value = line.slice(colon + 1).trim()
    // eslint-disable-next-line no-control-regex -- finding control bytes is the point
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return problem(400, said('http:refused.headerControl', { name }))
    const key = name.toLowerCase()
    const previous = headers.get(key)
    headers.set(key, previous === undefined ? value : `${previous}, ${value}`)
  }

  if (headers.has('transfer-encoding')) return problem(501, said('http:refused.transferEncoding'))
  let bodyLength = 0
  const contentLength = headers.get('content-length')
  if (contentLength !== undefined) {
    if (!/^\d{1,15}$/.test(contentLength)) return problem(400, said('http:refused.malformedContentLength', { value: printable(contentLength) }))
    bodyLength = Number(contentLength)
  }
  return { head: { method, target, version, headers, size: end.headEnd, bodyLength } }
}

/** Method, target and version of a request line, or why it cannot be served. */
function requestLine(line: string): Pick<RequestHead, 'method' | 'target' | 'version'> | { problem: HeadProblem } {
  if (line.length > HTTP_MAX_REQUEST_LINE) return problem(414, said('http:refused.requestLineTooLong'))
  const parts = line.split(' ')
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    // HTTP/0.9's "GET /path" is not supported: say why instead of hanging.
    return problem(400, said('http:refused.malformedRequestLine', { line: printable(line) }))
  }
  const [method, target, version] = parts
  if (!TOKEN.test(method)) return problem(400, said('http:refused.malformedMethod', { method: printable(method) }))
  const v = VERSION.exec(version)
  if (!v) return problem(400, said('http:refused.malformedVersion', { version: printable(version) }))
  if (v[1] !== '1') return problem(505, said('http:refused.versionNotSupported', { version }))
  // eslint-disable-next-line no-control-regex -- finding control bytes is the point
  if (/[\x00-\x20\x7f]/.test(target)) return problem(400, said('http:refused.targetControl'))
  return { method, target, version: `HTTP/1.${v[2] === '0' ? '0' : '1'}` }
}

/** Where the blank line ending the head is: index after it, and index of the last header line's end. */
function findHeadEnd(buf: Buffer, from: number): { headEnd: number; linesEnd: number } | null {
  const crlf = buf.indexOf('\r\n\r\n', from, 'latin1')
  const lf = buf.indexOf('\n\n', from, 'latin1')
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headEnd: crlf + 4, linesEnd: crlf }
  // Bare LF line endings (nc without -C, hand-typed requests): accepted, as most servers do.
  if (lf >= 0) return { headEnd: lf + 2, linesEnd: buf[lf - 1] === 0x0d ? lf - 1 : lf }
  return null
}

function problem(status: HeadProblem['status'], reason: Said): { problem: HeadProblem } {
  return { problem: { status, reason } }
}

/** A shortened, printable copy of attacker-controlled text for error messages and logs. */
export function printable(text: string, max = 80): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
