// The relay's fields as the panel holds them, and the config they make. Words are the panel's;
// here only data and the rules of the engine's kinds table (endpoint-kinds.ts).

import type { EndpointConfig, EndpointInfo } from '../../../shared/contract'
import { ENDPOINT_KINDS } from '../../../shared/endpoint-kinds'
import type { Family } from '../../../shared/events'
import type { Direction, Impairments } from '../../../shared/relay-events'
import { configProblemSaid } from '../../../shared/schemas'
import type { Said } from '../../../shared/i18n/said'
import type { LabKind, LabState, ServerRun } from '../lab/lab-state'
import { labOf, withServerPort } from '../lab/lab-state'

/** The impairments each relay offers in the window, in the order the panel lists them. */
export const UDP_FIELDS = ['loss', 'duplicate', 'reorder', 'delay', 'jitter'] as const satisfies readonly (keyof Impairments)[]
export const TCP_FIELDS = ['delay', 'jitter', 'rate', 'slice', 'limit', 'resetAfter'] as const satisfies readonly (keyof Impairments)[]
export type ImpairmentField = (typeof UDP_FIELDS)[number] | (typeof TCP_FIELDS)[number]

export const fieldsOf = (lab: LabKind): readonly ImpairmentField[] => (lab === 'udp' ? UDP_FIELDS : TCP_FIELDS)

export interface RelayFields {
  /** Where the relay listens (the server's port + 1 by default). */
  port: string
  seed: string
  /** Per direction, per impairment: the text typed ('' = none). */
  c2s: Partial<Record<ImpairmentField, string>>
  s2c: Partial<Record<ImpairmentField, string>>
}

export function defaultRelayFields(serverPort: string): RelayFields {
  const port = Number(serverPort)
  return { port: Number.isInteger(port) && port > 0 && port < 65535 ? String(port + 1) : '12001', seed: '1', c2s: {}, s2c: {} }
}

const numberOf = (text: string | undefined): number | undefined => {
  const s = (text ?? '').trim().replace(',', '.')
  return s === '' ? undefined : Number(s)
}

/** Where the relay listens and finds the server: the server's address, or this machine's loopback for a server bound to a wildcard. */
export function relayAddress(lab: LabState): string {
  const a = lab.server.address
  return a === '::' ? '::1' : a === '0.0.0.0' ? '127.0.0.1' : a
}

/** The server the relay forwards to, as its status says it. */
export function relayTarget(lab: LabState): string {
  const port = lab.run?.local?.port ?? lab.server.port
  const a = relayAddress(lab)
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`
}

/** The config to start the lab's relay with, or what is wrong with the fields. */
export function relayConfig(lab: LabState, f: RelayFields): { config: EndpointConfig } | { problem: Said } {
  const impairments = (dir: Direction): Impairments => {
    const out: Impairments = {}
    for (const k of fieldsOf(lab.kind)) {
      const v = numberOf(f[dir][k])
      if (v !== undefined) out[k] = v
    }
    return out
  }
  const address = relayAddress(lab)
  const config = {
    kind: lab.kind === 'udp' ? ('udp-relay' as const) : ('tcp-relay' as const),
    address,
    port: numberOf(f.port) ?? NaN,
    toAddress: address,
    toPort: numberOf(lab.run?.local?.port !== undefined ? String(lab.run.local.port) : lab.server.port) ?? NaN,
    seed: numberOf(f.seed) ?? 0,
    c2s: impairments('c2s'),
    s2c: impairments('s2c')
  }
  const problem = configProblemSaid(config)
  return problem ? { problem } : { config: config as EndpointConfig }
}

/** The client tabs' ports the student did not type follow `port` (the relay's, or the server's again); the server's own port stays. */
export function withClientsTo(lab: LabState, port: string, family: Family): LabState {
  return { ...withServerPort(lab, port, family), server: lab.server }
}

/** The relays among the endpoints that run, by lab. */
export function relaysOf(running: readonly EndpointInfo[]): [LabKind, ServerRun][] {
  return running.filter((ep) => ENDPOINT_KINDS[ep.config.kind].role === 'relay').map((ep) => [labOf(ep.id), { id: ep.id, local: ep.local }])
}
