// What the packet log's Endpoint filter lists: every endpoint that has rows in the log, running or
// ended (a student wants to look at the rows of a client they cancelled), each by its full name
// ("TCP Client 2"), so that an entry says which lab it belongs to whatever lab is on screen.

import type { EventStore } from '../feed/event-store'
import type { EndpointName } from '../lab/endpoint-names'
import { fullName, nameOf } from '../lab/endpoint-names'
import type { LabKind } from '../lab/lab-state'
import { LABS } from '../lab/lab-state'
import { ROLE_NAMES, ROLES, type Role } from '../../../shared/endpoint-kinds'
import type { KeyOf } from './log-view'
import { said, type Said } from '../../../shared/i18n/said'

export interface FilterEntry {
  /** Console key, the filter's value: "tcp:client:2". */
  key: string
  lab: LabKind
  /** "TCP Client 2", "UDP Server (ended)", worded where it shows. */
  said: Said
  ended: boolean
}

/**
 * The endpoint ids that have events in the store, kept incrementally: the newest seq of each id.
 * The store only ever loses its oldest events (dropped when full, or cleared), so an id still has
 * events exactly while its newest seq is not older than the store's first.
 */
export class EndpointsInLog {
  private readonly newest = new Map<string, number>()
  private seen = 0

  constructor(private readonly store: EventStore) {}

  ids(): string[] {
    const all = this.store.all()
    let i = all.length
    while (i > 0 && all[i - 1].seq > this.seen) i--
    for (; i < all.length; i++) if (all[i].endpoint) this.newest.set(all[i].endpoint, all[i].seq)
    if (all.length > 0) this.seen = all[all.length - 1].seq
    const first = this.store.firstSeq()
    for (const [id, seq] of this.newest) if (seq < first) this.newest.delete(id)
    return [...this.newest.keys()]
  }
}

/**
 * The filter's entries, in the labs' order, server first, then clients by number: the endpoints
 * with rows (`ids`, by their console key) and the one chosen (it must stay listed while chosen,
 * even once its rows are cleared). An entry no running endpoint has is marked ended.
 */
export function filterEntries(ids: readonly string[], keyOf: KeyOf, running: readonly EndpointName[], chosen: string): FilterEntry[] {
  const keys = new Set<string>()
  for (const id of ids) {
    const key = keyOf(id)
    if (key) keys.add(key)
  }
  if (chosen !== 'all') keys.add(chosen)
  const live = new Set(running.map((n) => n.key))
  return [...keys]
    .map((key) => {
      const { lab } = nameOf(key)
      const ended = !live.has(key)
      return { key, lab, said: ended ? said('log:toolbar.ended', { name: fullName(key) }) : fullName(key), ended }
    })
    .sort((a, b) => order(a.key) - order(b.key))
}

/** Lab first, then by role (the server, a relay, the clients: ROLES' order), clients by number. */
function order(key: string): number {
  const [lab, role, n] = key.split(':')
  const rank = Object.hasOwn(ROLES, role) ? ROLES[role as Role].order : ROLE_NAMES.length
  return LABS.findIndex((l) => l.kind === lab) * 1e8 + rank * 1e6 + Number(n ?? 0)
}
