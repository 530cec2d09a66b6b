// What the start of an HTTP reply says about its length: enough for the course's client to tell
// whether its one recv(1500) got the whole reply. Not a full response parser: nothing else needs one.

import { said, type Said } from '../../shared/i18n/said'

export interface ReplyStart {
  /** Bytes of the head, status line to the blank line inclusive; null while the blank line has not arrived. */
  headSize: number | null
  /** Body bytes announced by Content-Length, when the head is complete and has a valid one. */
  contentLength?: number
}

export function replyStart(bytes: Uint8Array): ReplyStart {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  // Servers end lines with CRLF; a bare LF (nc, hand-written replies) is read as well.
  const end = /\r?\n\r?\n/.exec(text)
  if (!end) return { headSize: null }
  const head = text.slice(0, end.index)
  const headSize = end.index + end[0].length
  const field = /^content-length[ \t]*:[ \t]*(\d{1,15})[ \t]*$/im.exec(head)
  return field ? { headSize, contentLength: Number(field[1]) } : { headSize }
}

/** One sentence on whether a single read of `got` bytes holds the whole reply, judged by its head: data, worded where it is shown. */
export function truncationNote(start: ReplyStart, got: number, recvSize: number): Said {
  if (got === 0) return said('http:client.judge.empty')
  if (start.headSize === null) return said('http:client.judge.headCut', { recvSize })
  if (start.contentLength === undefined) return said('http:client.judge.noLength')
  const body = got - start.headSize
  const missing = start.contentLength - body
  if (missing <= 0) return said('http:client.judge.complete', { length: start.contentLength })
  return said('http:client.judge.truncated', { length: start.contentLength, body, count: missing })
}
