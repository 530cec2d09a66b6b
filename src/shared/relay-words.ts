// The words of a relay's events (drop, duplicate, delay, relay), in t's language, from the
// catalog `relay`: the log's rows, the relay's console, the CLI's watch.

import type { TFunction as AnyT } from 'i18next'
import type { Namespace } from './i18n/resources'
import type { EventDetails } from './events'
import { formatSockAddr } from './events'
import type { Direction, FlowEnd, RelayStats } from './relay-events'

type TFunction = AnyT<Namespace[]>

const dirWords = (t: TFunction, dir: Direction): string => (dir === 'c2s' ? t('relay:dir.c2s') : t('relay:dir.s2c'))

const REASON_KEYS: Record<FlowEnd, string> = {
  idle: 'idle',
  evicted: 'evicted',
  'relay-closed': 'relayClosed',
  'client-closed': 'clientClosed',
  'server-closed': 'serverClosed',
  'client-reset': 'clientReset',
  'server-reset': 'serverReset',
  refused: 'refused',
  limit: 'limit',
  reset: 'reset',
  error: 'error'
}

function reasonWords(t: TFunction, reason: FlowEnd): string {
  // t('relay:reason.idle') t('relay:reason.evicted') t('relay:reason.relayClosed') t('relay:reason.clientClosed')
  // t('relay:reason.serverClosed') t('relay:reason.clientReset') t('relay:reason.serverReset') t('relay:reason.refused')
  // t('relay:reason.limit') t('relay:reason.reset') t('relay:reason.error')
  return (t as (key: string) => string)(`relay:reason.${REASON_KEYS[reason]}`)
}

const sideWords = (t: TFunction, side: 'client' | 'server'): string => (side === 'client' ? t('relay:side.client') : t('relay:side.server'))

function totals(t: TFunction, stats: RelayStats, dir: Direction): string {
  const c = stats[dir]
  return t('relay:event.totals', { dir: dirWords(t, dir), forwarded: c.forwarded, dropped: c.dropped, duplicated: c.duplicated, delayed: c.delayed })
}

/** A relay event's words. `local`: where the relay listens (its 'listening' event). */
export function relayEventWords(kind: 'drop' | 'duplicate' | 'delay' | 'relay', detail: EventDetails['drop' | 'duplicate' | 'delay' | 'relay'], t: TFunction, local?: string): string {
  if (kind !== 'relay') {
    const d = detail as EventDetails['delay']
    const params = { dir: dirWords(t, d.dir), flow: d.flow, n: d.n, bytes: d.bytes, seed: d.seed }
    if (kind === 'drop') return t('relay:event.dropped', params)
    if (kind === 'duplicate') return t('relay:event.duplicated', params)
    return d.unit === 'read' ? t('relay:event.delayRead', { ...params, delay: d.delayMs }) : t('relay:event.delayed', { ...params, delay: d.delayMs })
  }
  const d = detail as EventDetails['relay']
  switch (d.what) {
    case 'listening':
      return t('relay:event.listening', { proto: d.proto.toUpperCase(), local: local ?? '?', target: formatSockAddr(d.target), seed: d.seed })
    case 'flow-open':
      return t('relay:event.flowOpen', { flow: d.flow, client: formatSockAddr(d.client), upstream: d.upstream ? formatSockAddr(d.upstream) : '?' })
    case 'flow-close':
      return t('relay:event.flowClose', { flow: d.flow, reason: reasonWords(t, d.reason) })
    case 'reorder':
      return t('relay:event.reordered', { dir: dirWords(t, d.dir), flow: d.flow, n: d.n, overtakenBy: d.overtakenBy })
    case 'slice':
      return t('relay:event.sliced', { dir: dirWords(t, d.dir), flow: d.flow, n: d.n, bytes: d.bytes, pieces: d.pieces })
    case 'limit':
      return t('relay:event.limit', { dir: dirWords(t, d.dir), flow: d.flow, limit: d.limit })
    case 'reset':
      return t('relay:event.reset', { flow: d.flow, afterMs: d.afterMs, sides: d.sides.map((s) => sideWords(t, s)).join(', ') })
    case 'stopped':
      return t('relay:event.stopped', { c2s: totals(t, d.stats, 'c2s'), s2c: totals(t, d.stats, 's2c') })
  }
}
