// FROZEN COPY, for the bench only (bench/i18n.mjs): src/shared/event-words.ts as it was before issue 16
// (main at db0ac89), when the engine stamped every event's English words with template strings.
// The bench measures the words rendered at the edge (eventWords(event, t)) against this; never edit it.

// The English words of every event, made from its detail in this one place. The engine stamps
// them into `info`; the ladder, exercises and translations read the detail instead.

import type { EventDetails, EventKind, LabEventOf, UnreadReset } from '../../src/shared/events'
import type { SockAddr } from '../../src/shared/events'

// Copied too (from src/shared/events.ts), so that the baseline stays what it was whatever moves.
function formatSockAddr(a: Pick<SockAddr, 'address' | 'port'>): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`
}
function formatTuple(address: string, port: number): string {
  return `(${address}, ${port})`
}
import type { Utf8Failure } from '../../src/shared/utf8-check'

/** Kinds whose words are rendered here; console lines and error sentences are their own words. */
export type RenderedKind = Exclude<EventKind, 'console' | 'error' | 'reset'>

/** What the words of an event are made from. */
export type Describable<K extends RenderedKind> = Pick<LabEventOf<K>, 'kind' | 'detail' | 'role' | 'proto' | 'length' | 'local' | 'remote'>

/**
 * The peer of a connection that was reset before Node accepted it. The kernel's accept() knows the
 * address, but libuv does not ask for it and getpeername() fails once the socket is closed
 * (nodejs/node#23858), so the truth is that it is unknown: say so rather than print (?, 0).
 */
export const UNKNOWN_PEER = 'an unknown address (the client reset the connection before the server could ask where it came from)'

const CLOSE_WORDS: Record<Exclude<EventDetails['close']['reason'], 'client-stopped'>, string> = {
  'server-stopped': 'server socket closed',
  // Who closed comes first: it stays in sight where a narrow log cuts the end of the line.
  served: 'the server closed the connection',
  'client-done': 'the client closed the connection',
  ended: 'connection closed',
  'client-after-server': 'the client closed its side too',
  'client-one-recv': 'the client closed the connection after its one recv(), without waiting for the server to close',
  'server-closed-idle': 'the server closed the connection (FIN) while the client was not waiting for anything; the client closed its side, and its next sentence connects again'
}

/** The one-line English summary of an event, as the log, the CLI and the consoles show it. */
export function eventWords<K extends RenderedKind>(event: Describable<K>): string {
  const e = event as Describable<RenderedKind>
  const peer = e.remote?.address ?? UNKNOWN_PEER
  switch (e.kind) {
    case 'listen': {
      const d = e.detail as EventDetails['listen']
      return `listening on ${formatTuple(d.address, d.port)}, ${'root' in d ? `serving ${d.root}` : `${d.mode}, recv(${d.recvSize})`}`
    }
    case 'bind': {
      const d = e.detail as EventDetails['bind']
      return `bound to ${formatTuple(d.address, d.port)}, recvfrom(${d.recvSize})`
    }
    case 'queued': {
      const d = e.detail as EventDetails['queued']
      return `connection from ${peer} waits in the listen backlog: the kernel finished the handshake, ${d.queuedAhead} ahead of it (iterative server)`
    }
    case 'accept': {
      const d = e.detail as EventDetails['accept']
      return `connection from ${peer} accepted${d.backlogMs === undefined ? '' : ` after ${(d.backlogMs / 1000).toFixed(1)} s in the listen backlog`}`
    }
    case 'connect': {
      const d = e.detail as EventDetails['connect']
      return `connected from ${e.local ? formatSockAddr(e.local) : '?'}${d.handshake ? ' (three-way handshake done)' : ''}`
    }
    case 'send':
      return sendWords(e as Describable<'send'>)
    case 'recv':
      return recvWords(e as Describable<'recv'>)
    case 'close': {
      const d = e.detail as EventDetails['close']
      const words = closeWords(e as Describable<'close'>)
      return d.reset ? `${words}; ${resetWords(d.reset)}` : words
    }
  }
}

/** "reset (RST): at least 1,976 bytes were left unread" (the close() that sent it). */
export function resetWords(r: UnreadReset): string {
  return `reset (RST): ${r.atLeast ? 'at least ' : ''}${r.unread.toLocaleString('en')} ${r.unread === 1 ? 'byte was' : 'bytes were'} left unread, and closing with unread bytes resets the connection`
}

function closeWords(e: Describable<'close'>): string {
  const d = e.detail
  if (d.reason === 'client-stopped') return e.proto === 'UDP' ? 'socket closed: the client stopped waiting for a reply' : 'connection closed: the client stopped waiting for the reply'
  return CLOSE_WORDS[d.reason]
}

function sendWords(e: Describable<'send'>): string {
  const d = e.detail
  switch (d.what) {
    case 'request':
      return `${d.method} ${d.target} ${d.version} (write to the stream)`
    case 'response':
      return `HTTP ${d.status}, ${e.length} bytes${d.streamed ? ' streamed from disk' : ''}`
    case 'bytes':
      if (e.proto !== 'UDP') return `wrote ${e.length} bytes to the stream`
      return (
        (e.length ? `datagram of ${e.length} bytes` : 'empty datagram: no payload, but a packet all the same (UDP keeps message boundaries)') +
        (d.wildcard ? ` (the socket is bound to ${d.wildcard}, so the system picks the source address)` : '')
      )
  }
}

/** "; not UTF-8 from byte 5: decode() would raise UnicodeDecodeError" for the log's line. */
function undecodable(f: Utf8Failure | undefined): string {
  return f ? `; not UTF-8 from byte ${f.start} (${f.reason}): the course's client would fail in decode() with UnicodeDecodeError` : ''
}

function recvWords(e: Describable<'recv'>): string {
  const d = e.detail
  switch (d.what) {
    case 'datagram':
      return (
        `datagram of ${e.length} bytes${d.truncatedTo === undefined ? '' : `, truncated to ${d.truncatedTo} by recvfrom(${d.recvSize})`}` +
        (d.wildcard ? ` (to this machine: the socket is bound to ${d.wildcard}, and recvfrom() does not tell which address)` : '') +
        undecodable(d.undecodable)
      )
    case 'http-read':
      if (d.eof) return `recv(${d.recvSize}) #${d.read}: b'' (0 bytes), the server closed the connection (FIN): end of the reply after ${d.replyBytes} bytes`
      return `recv(${d.recvSize}) #${d.read}: ${d.statusLine === undefined ? '' : `${d.statusLine} (`}${e.length} bytes${d.statusLine === undefined ? '' : ')'}`
    case 'stream': {
      // A client whose recv() got no byte at all learns that the server closed without a reply.
      const read = d.eof && e.length === 0 && e.role === 'client' ? 'end of stream: the server closed without replying' : `read ${e.length} bytes of the stream`
      const unread = d.leftover ? ` (${d.leftover} more bytes beyond recv(${d.recvSize}) left unread)` : ''
      const ended = d.eof && e.role === 'server' ? ', then end of stream' : ''
      const waiting = d.waiting ? `; ${d.waiting} bytes were already waiting when recv() started (more may wait in the system's receive buffer)` : ''
      return read + unread + ended + waiting + undecodable(d.undecodable)
    }
  }
}

/** Python's own message for a strict UTF-8 decode that fails (its words: never translated). */
export function pythonDecodeError(f: Utf8Failure): string {
  const what = f.end - f.start === 1 ? `byte 0x${f.byte.toString(16).padStart(2, '0')} in position ${f.start}` : `bytes in position ${f.start}-${f.end - 1}`
  return `UnicodeDecodeError: 'utf-8' codec can't decode ${what}: ${f.reason}`
}

/** The note under a reply socklab shows with U+FFFD where the course's client would crash. */
export function decodeStopWords(f: Utf8Failure): string {
  const cut = f.reason === 'unexpected end of data' ? 'recv() cut a character in two' : 'the reply is not valid UTF-8'
  return `${cut}: the course's Python client would not print this reply, it stops here with ${pythonDecodeError(f)} (socklab shows \uFFFD for those bytes)`
}
