// The HTTP server's request head parser on its own: well-formed heads, heads still arriving, and
// malformed ones, each with the status and reason the server answers with.

import { describe, expect, it } from 'vitest'
import { parseRequestHead, printable } from '../src/engine/http/request-head'
import { HTTP_MAX_HEAD, HTTP_MAX_HEADER_LINES, HTTP_MAX_REQUEST_LINE } from '../src/shared/limits'
import { english } from '../src/engine/english'

/** The parse of `text`, a problem's reason in the English that its error page sends. */
const parse = (text: string, maxHead?: number) => {
  const r = parseRequestHead(Buffer.from(text, 'latin1'), maxHead)
  return 'problem' in r ? { problem: { status: r.problem.status, reason: english(r.problem.reason) } } : r
}

describe('parseRequestHead', () => {
  it('reads method, target, version, headers (names lower-cased, repeats joined) and the head size', () => {
    const text = 'GET /a/b?q=1 HTTP/1.1\r\nHost: x\r\nAccept: a\r\naccept: b\r\nX-Empty:\r\n\r\nBODY'
    const r = parse(text)
    expect(r).toEqual({
      head: { method: 'GET', target: '/a/b?q=1', version: 'HTTP/1.1', headers: new Map([['host', 'x'], ['accept', 'a, b'], ['x-empty', '']]), size: text.length - 4, bodyLength: 0 }
    })
  })

  it('skips blank lines before the request, counts them in the size, and takes bare LF endings', () => {
    const r = parse('\r\n\nHEAD / HTTP/1.0\nHost: y\n\n')
    expect(r).toEqual({ head: { method: 'HEAD', target: '/', version: 'HTTP/1.0', headers: new Map([['host', 'y']]), size: 3 + 16 + 8 + 1, bodyLength: 0 } })
  })

  it('reads HTTP/1.2 as 1.1 and announces the Content-Length body to skip', () => {
    expect(parse('POST /x HTTP/1.2\r\nContent-Length: 42\r\n\r\n')).toMatchObject({ head: { version: 'HTTP/1.1', bodyLength: 42 } })
  })

  it('waits for more while the head is incomplete', () => {
    expect(parse('')).toEqual({ incomplete: true })
    expect(parse('GET / HTT')).toEqual({ incomplete: true })
    expect(parse('GET / HTTP/1.1\r\nHost: x\r\n')).toEqual({ incomplete: true })
  })

  it.each([
    ['GET /path\r\n', 400, 'malformed request line <GET /path>'],
    ['GET  / HTTP/1.1\r\n\r\n', 400, 'malformed request line <GET  / HTTP/1.1>'],
    ['G(T / HTTP/1.1\r\n\r\n', 400, 'malformed method <G(T>'],
    ['GET / HTTX/1.1\r\n\r\n', 400, 'malformed HTTP version <HTTX/1.1>'],
    ['GET / HTTP/2.0\r\n\r\n', 505, 'HTTP version HTTP/2.0 not supported (HTTP/1.0 and HTTP/1.1 are)'],
    ['GET /a\x7fb HTTP/1.1\r\n\r\n', 400, 'control characters in the request target'],
    ['GET / HTTP/1.1\r\nNoColon\r\n\r\n', 400, 'malformed header line <NoColon>'],
    ['GET / HTTP/1.1\r\n: empty name\r\n\r\n', 400, 'malformed header line <: empty name>'],
    ['GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n', 400, 'obsolete header line folding'],
    ['GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n', 400, 'control characters in header X'],
    ['GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 501, 'request bodies with Transfer-Encoding are not supported'],
    ['GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 400, 'malformed Content-Length <-1>'],
    ['GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400, 'malformed Content-Length <1, 2>']
  ])('refuses %j with %i', (text, status, reason) => {
    expect(parse(text)).toEqual({ problem: { status, reason } })
  })

  it('answers a bad request line at once, before the headers end', () => {
    expect(parse('GET /path\r\nHost: x\r\n')).toEqual({ problem: { status: 400, reason: 'malformed request line <GET /path>' } })
  })

  it('refuses a request line over its limit, finished or not', () => {
    const long = `GET /${'a'.repeat(HTTP_MAX_REQUEST_LINE)} HTTP/1.1`
    expect(parse(long)).toEqual({ problem: { status: 414, reason: 'request line too long' } })
    expect(parse(`${long}\r\n\r\n`)).toEqual({ problem: { status: 414, reason: 'request line too long' } })
  })

  it('refuses a head over its limit, and a head that fits only without the blank lines before it', () => {
    const headers = Array.from({ length: 40 }, (_, i) => `X-${i}: ${'v'.repeat(900)}\r\n`).join('')
    expect(parse(`GET / HTTP/1.1\r\n${headers}`)).toEqual({ problem: { status: 431, reason: 'request header fields too large' } })
    const small = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
    expect(parse(small, small.length)).toHaveProperty('head')
    expect(parse(small, small.length - 1)).toEqual({ problem: { status: 431, reason: 'request header fields too large' } })
    expect(HTTP_MAX_HEAD).toBeGreaterThan(40 * 900 - 10_000)
  })

  it('refuses more header lines than the limit', () => {
    const lines = Array.from({ length: HTTP_MAX_HEADER_LINES + 1 }, (_, i) => `X-${i}: 1\r\n`).join('')
    expect(parse(`GET / HTTP/1.1\r\n${lines}\r\n`)).toEqual({ problem: { status: 431, reason: 'too many header fields' } })
    const fits = Array.from({ length: HTTP_MAX_HEADER_LINES }, (_, i) => `X-${i}: 1\r\n`).join('')
    expect(parse(`GET / HTTP/1.1\r\n${fits}\r\n`)).toHaveProperty('head')
  })

  it('printable() shows hostile text as printable ASCII, cut with an ellipsis', () => {
    expect(printable('a\x00b\u00e9c')).toBe('a?b?c')
    expect(printable('x'.repeat(10), 4)).toBe('xxxx…')
  })
})
