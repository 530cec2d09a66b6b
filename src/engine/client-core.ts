// What the three course clients share: nothing to open at start, a connect that a stop abandons,
// and one way to report a failure where it happened and rethrow it in plain words.

import type net from 'node:net'
import type { ClientConfig, SendResult } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import type { Endpoint, EventPlace, Reporter } from './endpoint'
import { sockAddr } from './endpoint'
import type { Where } from './errors'
import { explainError, LabError } from './errors'
import { said } from '../shared/i18n/said'

export abstract class ClientCore<C extends ClientConfig> implements Endpoint {
  /** Set by stop(): a failure after it is the student's Cancel, not a fault. */
  protected stopped = false

  constructor(
    readonly id: string,
    readonly config: C,
    protected readonly report: Reporter
  ) {}

  /** Clients have nothing to open until they send. */
  async start(): Promise<undefined> {
    return undefined
  }

  abstract stop(): Promise<void>
  abstract send(input: string): Promise<SendResult>

  /**
   * Reports a failure where it happened (a reset as such) and rethrows it in plain words. A client
   * stopped on purpose failed at nothing: `stoppedClose` says it closed, unless its close is logged already.
   */
  protected fail(err: unknown, where: Where, place: EventPlace = {}, stoppedClose = true): never {
    const e = explainError(err, where)
    if (!this.stopped) this.report.failure(e, place)
    else if (stoppedClose) this.report.event('close', { ...place, detail: { closedBy: 'client', reason: 'client-stopped' } })
    throw e
  }

  /** The error a wait rejects with when stop() closed the socket under it. */
  protected stoppedError(): LabError {
    return new LabError(said('error:stoppedNoLongerWaits', { id: this.id }))
  }
}

/**
 * Resolves once `socket` is connected. Rejects with its error, with `timedOut()` when a socket
 * made with a `timeout` passes it, and with `closed()` when the socket is destroyed first (stop()).
 */
export function connected(socket: net.Socket, closed: () => Error, timedOut?: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
    if (timedOut)
      socket.once('timeout', () => {
        socket.destroy()
        reject(timedOut())
      })
    socket.once('close', () => reject(closed()))
  })
}

/** Both ends of a connected socket, as the socket API gives them. */
export function socketEnds(socket: net.Socket): { local?: SockAddr; remote?: SockAddr } {
  return { local: sockAddr(socket.localAddress, socket.localPort), remote: sockAddr(socket.remoteAddress, socket.remotePort) }
}
