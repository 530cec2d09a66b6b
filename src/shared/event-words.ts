// The words of every event, made from its detail in this one place, in the language of the `t`
// given (the window's, the CLI's): the engine sends meaning as data (kind, detail, a Said for
// errors), never sentences. A console event's line is the course program's own text and passes
// through as it is, in every language.

import type { TFunction as AnyT } from 'i18next'
import { createI18n } from './i18n/i18n'
import { relayEventWords } from './relay-words'
import type { Namespace } from './i18n/resources'
import { say, isSaid, type Said } from './i18n/said'
import type { EventDetails, EventKind, LabEvent, LabEventOf, UnreadReset } from './events'
import { formatSockAddr, formatTuple } from './events'
import type { Utf8Failure } from './utf8-check'
import { byRole } from './endpoint-kinds'

/** Kinds whose words are rendered from their detail (console lines are their own words; errors carry a Said). */
export type RenderedKind = Exclude<EventKind, 'console' | 'error' | 'reset' | 'lifecycle'>

/** A t() of any namespace (the window's, the CLI's): keys are written with theirs, `event:…`, `error:…`. */
export type TFunction = AnyT<Namespace[]>

/** What the words of an event are made from. */
export type Describable<K extends EventKind> = Pick<LabEventOf<K>, 'kind' | 'detail' | 'role' | 'proto' | 'length' | 'local' | 'remote'> & { info?: string; code?: string }

/**
 * The peer of a connection that was reset before Node accepted it, as the course program's own
 * line says it (never translated). The kernel's accept() knows the address, but libuv does not ask
 * for it and getpeername() fails once the socket is closed (nodejs/node#23858), so the truth is that
 * it is unknown: say so rather than print (?, 0). The event's words say it from 'event:unknownPeer'.
 */
export const UNKNOWN_PEER = 'an unknown address (the client reset the connection before the server could ask where it came from)'

let english: TFunction | undefined
/** English words, for what must be English whatever the user's language: logs, stack traces, tests. */
export function englishT(): TFunction {
  return (english ??= createI18n('en').t as TFunction)
}

/** A Said's words in t's language (a t of any namespace). */
export function sayIn(t: TFunction, s: Said): string {
  return say(t as unknown as Parameters<typeof say>[0], s)
}

/** The one-line summary of an event, as the log, the CLI and the consoles show it, in t's language. */
export function eventWords<K extends EventKind>(event: Describable<K>, t: TFunction): string {
  const e = event as Describable<EventKind>
  switch (e.kind) {
    case 'console': {
      // The course program's own line (or a window's line) as printed: never through a catalog. A lab's note is data.
      const d = e.detail as EventDetails['console']
      return d.note && !d.course && isSaid(d.note) ? sayIn(t, d.note) : (e.info ?? '')
    }
    case 'error':
    case 'reset': {
      const d = e.detail as EventDetails['error']
      if (isSaid(d.said)) return sayIn(t, d.said)
      return e.info ?? t('event:failed', { code: d.code ?? e.code ?? '?' })
    }
    case 'listen': {
      const d = e.detail as EventDetails['listen']
      const where = formatTuple(d.address, d.port)
      if ('root' in d) return t('event:listen.http', { where, root: d.root })
      // t('event:mode.iterative') t('event:mode.concurrent')
      return t('event:listen.course', { where, mode: t(`event:mode.${d.mode}`), recvSize: d.recvSize })
    }
    case 'bind': {
      const d = e.detail as EventDetails['bind']
      return t('event:bind', { where: formatTuple(d.address, d.port), recvSize: d.recvSize })
    }
    case 'queued': {
      const d = e.detail as EventDetails['queued']
      return t('event:queued', { peer: peerOf(e, t), count: d.queuedAhead })
    }
    case 'accept': {
      const d = e.detail as EventDetails['accept']
      if (d.backlogMs === undefined) return t('event:accept.now', { peer: peerOf(e, t) })
      return t('event:accept.afterBacklog', { peer: peerOf(e, t), seconds: d.backlogMs / 1000 })
    }
    case 'connect': {
      const d = e.detail as EventDetails['connect']
      const local = e.local ? formatSockAddr(e.local) : '?'
      return d.handshake ? t('event:connect.handshake', { local }) : t('event:connect.plain', { local })
    }
    case 'send':
      return sendWords(e as Describable<'send'>, t)
    case 'recv':
      return recvWords(e as Describable<'recv'>, t)
    case 'close': {
      const d = e.detail as EventDetails['close']
      const words = closeWords(e as Describable<'close'>, t)
      return d.reset ? t('event:close.withReset', { close: words, reset: resetWords(d.reset, t) }) : words
    }
    case 'ping':
      return pingWords(e.detail as EventDetails['ping'], t)
    case 'drop':
    case 'duplicate':
    case 'delay':
    case 'relay':
      return relayEventWords(e.kind, e.detail as EventDetails['relay'], t, e.local ? formatSockAddr(e.local) : undefined)
    case 'lifecycle':
      return lifecycleWords(e.detail as EventDetails['lifecycle'], t)
  }
}

/** An endpoint's start, activity or stop (windows keep these out of the log's rows; an export or a detail pane words them). */
function lifecycleWords(d: EventDetails['lifecycle'], t: TFunction): string {
  switch (d.step) {
    case 'started':
      return d.local ? t('log:lifecycle.startedOn', { where: formatSockAddr(d.local) }) : t('log:lifecycle.started')
    case 'activity':
      // t('log:lifecycle.now.idle') t('log:lifecycle.now.connecting') t('log:lifecycle.now.connected') t('log:lifecycle.now.waiting')
      return t(`log:lifecycle.now.${d.now}`)
    case 'stopped':
      // t('log:lifecycle.how.stopped') t('log:lifecycle.how.closed') t('log:lifecycle.how.cancelled') t('log:lifecycle.how.failed') t('log:lifecycle.how.shutdown')
      return t(`log:lifecycle.how.${d.how}`)
  }
}

/** The Pinger lab's rows (its words are in the `pinger` catalog). */
export function pingWords(d: EventDetails['ping'], t: TFunction): string {
  switch (d.what) {
    case 'start':
      return t('pinger:event.start', { count: d.count, seconds: d.timeoutMs / 1000 })
    case 'reply':
      return t('pinger:event.reply', { seq: d.seq, rtt: d.rttMs })
    case 'timeout':
      return t('pinger:event.timeout', { seq: d.seq, seconds: d.timeoutMs / 1000 })
    case 'drop':
      return d.seq === undefined ? t('pinger:event.dropDatagram', { n: d.n, loss: Math.round(d.lossPct * 10) / 10 }) : t('pinger:event.drop', { seq: d.seq, loss: Math.round(d.lossPct * 10) / 10 })
    case 'stats': {
      const counts = { sent: d.sent, received: d.received, lost: d.lost, loss: Math.round(d.lossPct * 10) / 10 }
      return d.minMs === undefined ? t('pinger:event.statsNoRtt', counts) : t('pinger:event.stats', { ...counts, min: d.minMs, avg: d.avgMs, max: d.maxMs })
    }
  }
}

const peerOf = (e: Describable<EventKind>, t: TFunction): string => e.remote?.address ?? t('event:unknownPeer')

/** "reset (RST): at least 1,976 bytes were left unread" (the close() that sent it). */
export function resetWords(r: UnreadReset, t: TFunction): string {
  return r.atLeast ? t('event:reset.atLeast', { count: r.unread }) : t('event:reset.exactly', { count: r.unread })
}

function closeWords(e: Describable<'close'>, t: TFunction): string {
  const d = e.detail
  if (d.reason === 'client-stopped') return e.proto === 'UDP' ? t('event:close.clientStoppedUdp') : t('event:close.clientStopped')
  // t('event:close.server-stopped') t('event:close.served') t('event:close.client-done') t('event:close.ended')
  // t('event:close.client-after-server') t('event:close.client-one-recv') t('event:close.server-closed-idle')
  // t('event:close.client-closed') t('event:close.closed-here')
  return t(`event:close.${d.reason}`)
}

function sendWords(e: Describable<'send'>, t: TFunction): string {
  const d = e.detail
  switch (d.what) {
    case 'request':
      return t('event:send.request', { method: d.method, target: d.target, version: d.version })
    case 'response':
      return d.streamed ? t('event:send.responseStreamed', { status: d.status, count: e.length }) : t('event:send.response', { status: d.status, count: e.length })
    case 'bytes': {
      if (e.proto !== 'UDP') return d.chunk ? t('event:send.chunk', { words: t('event:send.stream', { count: e.length }), n: d.chunk.n, of: d.chunk.of }) : t('event:send.stream', { count: e.length })
      const what = e.length ? t('event:send.datagram', { count: e.length }) : t('event:send.emptyDatagram')
      return d.wildcard ? t('event:send.wildcard', { what, wildcard: d.wildcard }) : what
    }
  }
}

/** "; not UTF-8 from byte 5: decode() would raise UnicodeDecodeError" for the log's line. */
function undecodable(words: string, f: Utf8Failure | undefined, t: TFunction): string {
  return f ? t('event:recv.undecodable', { words, start: f.start, reason: f.reason }) : words
}

function recvWords(e: Describable<'recv'>, t: TFunction): string {
  const d = e.detail
  switch (d.what) {
    case 'datagram': {
      let words = t('event:recv.datagram', { count: e.length })
      if (d.truncatedTo !== undefined) words = t('event:recv.truncated', { words, truncatedTo: d.truncatedTo, recvSize: d.recvSize })
      if (d.wildcard) words = t('event:recv.wildcard', { words, wildcard: d.wildcard })
      return undecodable(words, d.undecodable, t)
    }
    case 'http-read':
      if (d.eof) return t('event:recv.httpEof', { recvSize: d.recvSize, read: d.read, count: d.replyBytes ?? 0 })
      if (d.statusLine === undefined) return t('event:recv.httpRead', { recvSize: d.recvSize, read: d.read, count: e.length })
      return t('event:recv.httpStatus', { recvSize: d.recvSize, read: d.read, statusLine: d.statusLine, count: e.length })
    case 'stream': {
      // A client whose recv() got no byte at all learns that the server closed without a reply.
      let words = d.eof && e.length === 0 && e.role === 'client' ? t('event:recv.noReply') : t('event:recv.stream', { count: e.length })
      if (d.leftover) words = t('event:recv.leftover', { words, count: d.leftover, recvSize: d.recvSize ?? 0 })
      // A server (or a relay) reads on to its peer's end of stream: it says so.
      if (d.eof && byRole(e.role, { client: false, server: true, relay: true })) words = t('event:recv.thenEof', { words })
      if (d.waiting) words = t('event:recv.waiting', { words, count: d.waiting })
      if (d.reply) words = d.reply.got > d.reply.of ? t('event:recv.replyGlued', { words, of: d.reply.of, count: d.reply.got - d.reply.of }) : t('event:recv.reply', { words, got: d.reply.got, count: d.reply.of })
      return undecodable(words, d.undecodable, t)
    }
  }
}

/** Python's own message for a strict UTF-8 decode that fails (its words: never translated). */
export function pythonDecodeError(f: Utf8Failure): string {
  const what = f.end - f.start === 1 ? `byte 0x${f.byte.toString(16).padStart(2, '0')} in position ${f.start}` : `bytes in position ${f.start}-${f.end - 1}`
  return `UnicodeDecodeError: 'utf-8' codec can't decode ${what}: ${f.reason}`
}

/** The note under a reply socklab shows with U+FFFD where the course's client would crash. */
export function decodeStopWords(f: Utf8Failure, t: TFunction): string {
  const error = pythonDecodeError(f)
  return f.reason === 'unexpected end of data' ? t('event:decodeStop.cut', { error }) : t('event:decodeStop.invalid', { error })
}

/** Where an event keeps its words once made: a symbol, so that no export, clone or JSON sees it. */
const WORDS = Symbol('words')
type Worded = { [WORDS]?: { lang: string; words: string } }

/**
 * The words of `e` in `lang`, made once and kept beside the event (events never change once
 * recorded; another language words it again): wording through i18next costs microseconds, a
 * template literal a tenth of one, and the log's text filter reads every event the window holds
 * at each keystroke.
 */
export function wordsOnce(e: LabEvent, t: TFunction, lang: string): string {
  const kept = (e as Worded)[WORDS]
  if (kept !== undefined && kept.lang === lang) return kept.words
  const words = eventWords(e, t)
  ;(e as Worded)[WORDS] = { lang, words }
  return words
}
