// The description of every kind of the table (shared/endpoint-kinds.ts), each in its own file: a
// server or client kind added to the table does not compile until it has one here.

import type { EndpointKind, KindOfRole, LabKind } from '../endpoint-kinds'
import { kindIn } from '../endpoint-kinds'
import type { ClientDescription, ServerDescription } from './kind'
import { tcpServer } from './tcp-server'
import { tcpClient } from './tcp-client'
import { udpServer } from './udp-server'
import { udpClient } from './udp-client'
import { httpServer } from './http-server'
import { httpClient } from './http-client'
import { pingServer } from './ping-server'
import { pingClient } from './ping-client'

export type { At, ClientDescription, FieldSpec, FieldValues, ProgramOptions, ServerDescription } from './kind'

export const SERVERS: { [K in KindOfRole<'server'>]: ServerDescription<K> } = { 'tcp-server': tcpServer, 'udp-server': udpServer, 'http-server': httpServer, 'udp-ping-server': pingServer }
export const CLIENTS: { [K in KindOfRole<'client'>]: ClientDescription<K> } = { 'tcp-client': tcpClient, 'udp-client': udpClient, 'http-client': httpClient, 'udp-ping-client': pingClient }

/** The description of a server or client kind. */
export function describe(kind: EndpointKind): ServerDescription | ClientDescription | undefined {
  return (SERVERS as Record<string, ServerDescription>)[kind] ?? (CLIENTS as Record<string, ClientDescription>)[kind]
}

/** The server kind of lab `lab`, described. Every lab has one. */
export function serverOf(lab: LabKind): ServerDescription {
  return (SERVERS as Record<string, ServerDescription>)[kindIn(lab, 'server')!]
}

/** The client kind of lab `lab`, described. Every lab has one. */
export function clientOf(lab: LabKind): ClientDescription {
  return (CLIENTS as Record<string, ClientDescription>)[kindIn(lab, 'client')!]
}
