// The one table of endpoint kinds: what each kind is (role, protocol, the lab it belongs to) and
// how its endpoint ids are made and read back. The engine, the schemas, the CLI and the window
// derive what they need from here; a new kind is a new row (plus its own file and panel).

import type { Proto, Role } from './events'

/** The window's labs: each groups one server kind with its client kind. */
export type LabKind = 'tcp' | 'udp' | 'http'

export interface KindInfo {
  role: Role
  proto: Proto
  lab: LabKind
}

export const ENDPOINT_KINDS = {
  'tcp-server': { role: 'server', proto: 'TCP', lab: 'tcp' },
  'tcp-client': { role: 'client', proto: 'TCP', lab: 'tcp' },
  'udp-server': { role: 'server', proto: 'UDP', lab: 'udp' },
  'udp-client': { role: 'client', proto: 'UDP', lab: 'udp' },
  'http-server': { role: 'server', proto: 'HTTP', lab: 'http' },
  'http-client': { role: 'client', proto: 'HTTP', lab: 'http' }
} as const satisfies Record<string, KindInfo>

export type EndpointKind = keyof typeof ENDPOINT_KINDS
export const ENDPOINT_KIND_NAMES = Object.keys(ENDPOINT_KINDS) as EndpointKind[]

export function kindInfo(kind: EndpointKind): KindInfo {
  return ENDPOINT_KINDS[kind]
}

/** An endpoint's id: its kind and its number within the lab, "tcp-server-1". */
export function endpointId(kind: EndpointKind, n: number): string {
  return `${kind}-${n}`
}

/** Ids of known kinds only, numbered from 1: anything else (a path, a made-up kind) is not an id. */
export const ENDPOINT_ID = new RegExp(`^(${ENDPOINT_KIND_NAMES.join('|')})-([1-9]\\d{0,15})$`)

/** The kind an endpoint id names, or undefined for anything that is not an endpoint id. */
export function kindOfId(id: string): EndpointKind | undefined {
  return ENDPOINT_ID.exec(id)?.[1] as EndpointKind | undefined
}
