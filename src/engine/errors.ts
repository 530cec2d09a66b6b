// Errors a student can read: Node's code kept for programs, plus one plain sentence.

import { formatTuple } from '../shared/events'
import type { Said } from '../shared/i18n/said'

export class LabError extends Error {
  /** Set once the endpoint reported it as an event: a host tells the window, which then does not say it twice. */
  reported = false

  constructor(
    message: string,
    readonly code?: string,
    /** What it means, for an edge to word in its language (`message` is its English). */
    readonly said?: Said
  ) {
    super(message)
    this.name = 'LabError'
  }
}

/** The code of a LabError for input the engine refuses before anything is sent (hosts treat it as bad usage). */
export const EMPTY_SEND = 'EEMPTY'

/** A duration in ms as a student reads it: "5 s", "0.5 s". */
export const seconds = (ms: number): string => `${ms / 1000} s`

export interface Where {
  address?: string
  port?: number
  /** What was being done, e.g. "connect to" or "listen on". */
  action?: string
}

/** Turns a Node error into a LabError with a sentence that says what happened and where. */
export function explainError(err: unknown, where: Where = {}): LabError {
  if (err instanceof LabError) return err
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : undefined
  const at = where.address !== undefined && where.port !== undefined ? formatTuple(where.address, where.port) : ''
  const message = (() => {
    switch (code) {
      case 'EADDRINUSE':
        return `port ${where.port} is already in use${at ? ` on ${where.address}` : ''}: another program (or another server) is listening there`
      case 'EADDRNOTAVAIL':
        return `address ${where.address} is not an address of this machine, so nothing can listen on it`
      case 'EACCES':
        return `permission denied to ${where.action ?? 'use'} ${at || 'that address'}`
      case 'ECONNREFUSED':
        return `connection refused by ${at || 'the server'}: no server is listening there`
      case 'ECONNRESET':
        return `connection reset by ${at || 'the peer'}`
      case 'EPIPE':
        return `the peer ${at} closed the connection while we were still sending`
      case 'ETIMEDOUT':
        return `connection to ${at || 'the server'} timed out`
      case 'EHOSTUNREACH':
        return `host ${where.address ?? ''} is unreachable`
      case 'ENETUNREACH':
        return `network unreachable for ${where.address ?? 'that address'} (is IPv6 configured on this machine?)`
      case 'EAFNOSUPPORT':
        return `this machine does not support that address family for ${where.address ?? 'the address'}`
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
      case 'EAI_NODATA':
        return `cannot resolve host <${where.address ?? ''}>`
      case 'ENOENT':
        return e.message
      default:
        return e?.message ?? String(err)
    }
  })()
  return new LabError(message, code)
}

/** The peer reset the connection (or closed it under our write): a reset, not our failure. */
export function isReset(e: LabError): boolean {
  return e.code === 'ECONNRESET' || e.code === 'EPIPE'
}
