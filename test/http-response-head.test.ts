// What the HTTP server writes itself (status lines, header blocks, content types, error pages) and
// what the course's client reads from the start of a reply, each on its own.

import { describe, expect, it } from 'vitest'
import { contentType, errorPage, escapeHtml, httpDate, responseHead } from '../src/engine/http/response-head'
import { replyStart, truncationNote } from '../src/engine/http/reply-head'
import { english } from './helpers/words'

describe('responseHead', () => {
  it('writes the status line, Server, Date, the headers in order and Connection, ending in a blank line', () => {
    const head = responseHead({ status: 404, keepAlive: false, headers: [['Content-Type', 'text/html'], ['Content-Length', 12]] }, 'socklab').toString('latin1')
    const date = httpDate()
    expect(head).toBe(`HTTP/1.1 404 Not Found\r\nServer: socklab\r\nDate: ${date}\r\nContent-Type: text/html\r\nContent-Length: 12\r\nConnection: close\r\n\r\n`)
    expect(responseHead({ status: 299, keepAlive: true, headers: [] }, 's').toString('latin1')).toMatch(/^HTTP\/1\.1 299 Unknown\r\n.*Connection: keep-alive\r\n\r\n$/s)
  })

  it('formats the Date header as RFC 9110 wants, the same within one second', () => {
    expect(httpDate(Date.UTC(2026, 10, 25, 10, 0, 0, 1))).toBe('Wed, 25 Nov 2026 10:00:00 GMT')
    expect(httpDate(Date.UTC(2026, 10, 25, 10, 0, 0, 999))).toBe('Wed, 25 Nov 2026 10:00:00 GMT')
    expect(httpDate(Date.UTC(2026, 10, 25, 10, 0, 1))).toBe('Wed, 25 Nov 2026 10:00:01 GMT')
  })

  it('content types by extension, any case, octet-stream for the rest', () => {
    expect(contentType('index.HTML')).toBe('text/html; charset=utf-8')
    expect(contentType('a.b.png')).toBe('image/png')
    expect(contentType('Makefile')).toBe('application/octet-stream')
    expect(contentType('archive.')).toBe('application/octet-stream')
    expect(contentType('.bashrc')).toBe('application/octet-stream')
  })

  it('error pages escape what they quote', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;')
    const page = errorPage(404, '/<script>.html: no such file').toString()
    expect(page).toContain('<title>404 Not Found</title>')
    expect(page).toContain('<p>/&#60;script&#62;.html: no such file</p>')
    expect(page).not.toContain('<script>')
  })
})

describe('replyStart and truncationNote (the course client judging one recv)', () => {
  const reply = (head: string, body = ''): Buffer => Buffer.from(head + body, 'latin1')

  it('finds the head size and Content-Length, CRLF or bare LF, any case and spacing', () => {
    expect(replyStart(reply('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n', 'hello'))).toEqual({ headSize: 38, contentLength: 5 })
    expect(replyStart(reply('HTTP/1.0 200 OK\ncontent-length :\t7 \n\n'))).toEqual({ headSize: 37, contentLength: 7 })
  })

  it('has no head size while the blank line has not come, and no length when it is missing or malformed', () => {
    expect(replyStart(reply('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n'))).toEqual({ headSize: null })
    expect(replyStart(reply('HTTP/1.0 200 OK\r\n\r\n'))).toEqual({ headSize: 19 })
    expect(replyStart(reply('HTTP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n'))).toEqual({ headSize: 39 })
    expect(replyStart(reply('HTTP/1.0 200 OK\r\nContent-Length: 5x\r\n\r\n'))).toEqual({ headSize: 39 })
    expect(replyStart(reply('HTTP/1.0 200 OK\r\nX-Content-Length: 5\r\n\r\n'))).toEqual({ headSize: 40 })
  })

  it('says whether one read held the whole reply', () => {
    expect(english(truncationNote({ headSize: null }, 0, 1500))).toBe('the server closed without sending anything')
    expect(english(truncationNote({ headSize: null }, 1500, 1500))).toBe("truncated: even the reply's header did not fit in one recv(1500)")
    expect(english(truncationNote({ headSize: 100 }, 300, 1500))).toBe('the header has no Content-Length, so one recv() cannot tell whether more was coming')
    expect(english(truncationNote({ headSize: 100, contentLength: 200 }, 300, 1500))).toBe('complete: Content-Length 200, and all 200 body bytes came in this recv()')
    expect(english(truncationNote({ headSize: 100, contentLength: 5000 }, 1500, 1500))).toBe('truncated: Content-Length says 5000 body bytes, this recv() got 1,400, so 3,600 were never read')
  })
})
