// The names a student knows for endpoints: "Server", "Client 2", "Relay", as the panels and tabs
// say, never the engine's ids. A name belongs to a console key, which outlives the endpoints behind
// it (a client tab starts a new endpoint when its settings change).

import type { LabKind, LabState } from './lab-state'
import { LABS, serverConsole } from './lab-state'
import { consoleKey, parseConsoleKey } from '../../../shared/console-keys'
import { LAB_ROWS, ROLES, type Role } from '../../../shared/endpoint-kinds'
import { said, type Said } from '../../../shared/i18n/said'

export interface EndpointName {
  /** Console key: "tcp:server", "udp:client:2". */
  key: string
  lab: LabKind
  /** "Server", "Client 2" (English: the tests' and the code's name for it). */
  label: string
  /** The name as the window says it, in its language. */
  said: Said
}

/** Each role's names: in its panel or tab ("Client 2"), and with its lab where several labs share one list ("TCP Client 2"). */
const NAMES: Record<Role, { label: (n: string) => string; said: (n: string) => Said; full: (lab: string, n: string) => Said }> = {
  server: { label: () => 'Server', said: () => said('lab:names.server'), full: (lab) => said('lab:names.fullServer', { lab }) },
  relay: { label: () => 'Relay', said: () => said('lab:names.relay'), full: (lab) => said('lab:names.fullRelay', { lab }) },
  client: { label: (n) => `Client ${n}`, said: (n) => said('lab:names.client', { n }), full: (lab, n) => said('lab:names.fullClient', { lab, n }) }
}

/** A console key's lab, role and number; a key of no console is read as the window made it, a client's. */
function placeOf(key: string): { lab: LabKind; role: Role; n: string } {
  const place = parseConsoleKey(key)
  if (place) return { lab: place.lab, role: place.role, n: place.n === undefined ? '' : String(place.n) }
  const [lab, role, n] = key.split(':') as [LabKind, string, string?]
  return { lab, role: Object.hasOwn(ROLES, role) ? (role as Role) : 'client', n: n ?? '' }
}

export function nameOf(key: string): EndpointName {
  const { lab, role, n } = placeOf(key)
  return { key, lab, label: NAMES[role].label(n), said: NAMES[role].said(n) }
}

/** "TCP Client 2": the name with its lab, where several labs share one list (worded where it shows). */
export function fullName(key: string): Said {
  const { lab, role, n } = placeOf(key)
  // One sentence, not a name inside a sentence: a tooltip that quotes it stays one catalog string deep.
  return NAMES[role].full(Object.hasOwn(LAB_ROWS, lab) ? LAB_ROWS[lab].title : lab, n)
}

/** The endpoints running now, per lab: its server if started, each client tab that has an endpoint. */
export function liveEndpoints(labs: Record<LabKind, LabState>): EndpointName[] {
  const out: EndpointName[] = []
  for (const { kind } of LABS) {
    const lab = labs[kind]
    if (lab.run) out.push(nameOf(serverConsole(kind)))
    if (lab.relay) out.push(nameOf(consoleKey(kind, 'relay')))
    for (const tab of lab.tabs) if (tab.endpointId) out.push(nameOf(tab.key))
  }
  return out
}

/**
 * The ids of the endpoints running now, the current lab's first (its server, then its client tabs
 * in tab order), then the other labs' in the header's order: a restart keeps a server's place,
 * where the order of first events put a restarted server after its clients.
 */
export function runningInOrder(labs: Record<LabKind, LabState>, active: LabKind): string[] {
  const kinds = [active, ...LABS.map(({ kind }) => kind).filter((k) => k !== active)]
  return kinds.flatMap((kind) => [labs[kind].run?.id, labs[kind].relay?.id, ...labs[kind].tabs.map((t) => t.endpointId)].filter((id): id is string => !!id))
}
