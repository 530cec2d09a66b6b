// What the start of an HTTP reply says about its length: enough for the course's client to tell
// whether its one recv(1500) got the whole reply. Not a full response parser: nothing else needs one.

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

/** One sentence on whether a single read of `got` bytes holds the whole reply, judged by its head. */
export function truncationNote(start: ReplyStart, got: number, recvSize: number): string {
  if (got === 0) return 'the server closed without sending anything'
  if (start.headSize === null) return `truncated: even the reply's header did not fit in one recv(${recvSize})`
  if (start.contentLength === undefined) return `the header has no Content-Length, so one recv() cannot tell whether more was coming`
  const body = got - start.headSize
  const missing = start.contentLength - body
  if (missing <= 0) return `complete: Content-Length ${start.contentLength}, and all ${start.contentLength} body bytes came in this recv()`
  return `truncated: Content-Length says ${start.contentLength} body bytes, this recv() got ${body}, so ${missing} were never read`
}
