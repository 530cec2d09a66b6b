// Errors a student can read: Node's code kept for programs, and what happened as data (a Said: a
// key of the `error` catalog and its parameters: the code, the address, the port, the action), so
// that the window and the CLI word it in their language. `message` is its English rendering, for
// logs and stack traces only.

import { formatTuple } from '../shared/events'
import { englishT, sayIn } from '../shared/event-words'
import { said, type Said } from '../shared/i18n/said'

export class LabError extends Error {
  /** Set once the endpoint reported it as an event: a host tells the window, which then does not say it twice. */
  reported = false
  /** What happened, as data: the window and the CLI word it in their language. */
  readonly said: Said

  /** `what`: a Said; a plain string is a system's (or a tool's) own message, passed on as it is. */
  constructor(
    what: Said | string,
    readonly code?: string,
    /** What it means, when `what` is its English words (the HTTP server's errors say both). */
    meaning?: Said
  ) {
    const s = meaning ?? (typeof what === 'string' ? said('error:system', { message: what }) : what)
    super(typeof what === 'string' && meaning ? what : sayIn(englishT(), s))
    this.said = s
    this.name = 'LabError'
  }
}

/** The code of a LabError for input the engine refuses before anything is sent (hosts treat it as bad usage). */
export const EMPTY_SEND = 'EEMPTY'

/** A duration in ms, in seconds as a student reads it ("5", "0.5"; the catalog adds " s"). */
export const seconds = (ms: number): number => ms / 1000

export interface Where {
  address?: string
  port?: number
  /** What was being done: listen on, bind to, or connect to the address. */
  action?: 'listen' | 'bind' | 'connect'
}

/** Turns a Node error into a LabError that says what happened and where, as data. */
export function explainError(err: unknown, where: Where = {}): LabError {
  if (err instanceof LabError) return err
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : undefined
  const at = where.address !== undefined && where.port !== undefined ? formatTuple(where.address, where.port) : undefined
  const message = e?.message ?? String(err)
  const s = ((): Said => {
    switch (code) {
      case 'EADDRINUSE':
        return at ? said('error:addrInUse.at', { port: where.port!, address: where.address! }) : said('error:addrInUse.port', { port: where.port ?? '?' })
      case 'EADDRNOTAVAIL':
        return said('error:addrNotAvail', { address: where.address ?? '?' })
      case 'EACCES':
        // t('error:action.listen') t('error:action.bind') t('error:action.connect') t('error:action.use')
        return said('error:access', { action: said(`error:action.${where.action ?? 'use'}`), at: at ?? said('error:thatAddress') })
      case 'ECONNREFUSED':
        // Another PC's refusal may be a firewall's reset (a tcp-reset REJECT): the same RST as no server.
        return at && !isLoopbackAddress(where.address!) ? said('error:refusedRemote', { at }) : said('error:refused', { at: at ?? said('error:theServer') })
      case 'ECONNRESET':
        return said('error:reset', { at: at ?? said('error:thePeer') })
      case 'EPIPE':
        return said('error:pipe', { at: at ?? '' })
      case 'ETIMEDOUT':
        return said('error:timedOut', { at: at ?? said('error:theServer') })
      case 'EHOSTUNREACH':
        return said('error:hostUnreach', { address: where.address ?? '' })
      case 'ENETUNREACH':
        return said('error:netUnreach', { address: where.address ?? said('error:thatAddress') })
      case 'EAFNOSUPPORT':
        return said('error:afNoSupport', { address: where.address ?? said('error:theAddress') })
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
      case 'EAI_NODATA':
        return said('error:resolve', { address: where.address ?? '' })
      default:
        // Anything else (ENOENT's path, an error socklab does not know): the system's own words.
        return said('error:system', { message })
    }
  })()
  return new LabError(s, code)
}

/** 127.x.x.x, ::1 (also as ::ffff:127.x.x.x, or the name localhost): this machine's loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^::ffff:/i, '').toLowerCase()
  return a === '::1' || a.startsWith('127.') || a === 'localhost'
}

/** The peer reset the connection (or closed it under our write): a reset, not our failure. */
export function isReset(e: LabError): boolean {
  return e.code === 'ECONNRESET' || e.code === 'EPIPE'
}
