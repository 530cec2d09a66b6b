// The names a student knows for endpoints: "Server", "Client 2", as the panels and tabs say,
// never the engine's ids. A name belongs to a console key, which outlives the endpoints behind
// it (a client tab starts a new endpoint when its settings change).

import type { LabKind, LabState } from './lab-state'
import { LABS, serverConsole } from './lab-state'
import { said, type Said } from '../../../shared/i18n/said'
import { relayConsole } from '../../../shared/console-keys'

export interface EndpointName {
  /** Console key: "tcp:server", "udp:client:2". */
  key: string
  lab: LabKind
  /** "Server", "Client 2" (English: the tests' and the code's name for it). */
  label: string
  /** The name as the window says it, in its language. */
  said: Said
}

export function nameOf(key: string): EndpointName {
  const [lab, role, n] = key.split(':') as [LabKind, string, string?]
  if (role === 'relay') return { key, lab, label: 'Relay', said: said('relay:window.name') }
  return { key, lab, label: role === 'server' ? 'Server' : `Client ${n}`, said: role === 'server' ? said('lab:names.server') : said('lab:names.client', { n: n ?? '' }) }
}

/** "TCP Client 2": the name with its lab, where several labs share one list (worded where it shows). */
export function fullName(key: string): Said {
  const [kind, role, n] = key.split(':') as [LabKind, string, string?]
  // One sentence, not a name inside a sentence: a tooltip that quotes it stays one catalog string deep.
  const lab = LABS.find((l) => l.kind === kind)?.title ?? kind
  if (role === 'relay') return said('relay:window.fullName', { lab })
  return role === 'server' ? said('lab:names.fullServer', { lab }) : said('lab:names.fullClient', { lab, n: n ?? '' })
}

/** The endpoints running now, per lab: its server if started, each client tab that has an endpoint. */
export function liveEndpoints(labs: Record<LabKind, LabState>): EndpointName[] {
  const out: EndpointName[] = []
  for (const { kind } of LABS) {
    const lab = labs[kind]
    if (lab.run) out.push(nameOf(serverConsole(kind)))
    if (lab.relay) out.push(nameOf(relayConsole(kind)))
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
