// UDP socket plumbing shared by the UDP server and client.

import dgram from 'node:dgram'
import { ipFamily } from '../shared/address'
import type { RecvDetail } from '../shared/events'
import { resolveHost } from './net-util'

/** udp4 or udp6 for an address; host names are resolved to decide. */
export async function udpTypeFor(address: string): Promise<dgram.SocketType> {
  const family = ipFamily(address) ?? (await resolveHost(address)).family
  return family === 'IPv6' ? 'udp6' : 'udp4'
}

export function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}

/**
 * The source address the system gives a datagram sent to address:port from an unbound socket.
 * Such a socket is bound to the wildcard (0.0.0.0, ::), which no packet ever carries; a throwaway
 * socket connect()ed to the same target asks the routing table, sends nothing, and learns it.
 */
export async function sourceAddressFor(type: dgram.SocketType, address: string, port: number): Promise<string | undefined> {
  const probe = dgram.createSocket(type)
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.connect(port, address, resolve)
    })
    return probe.address().address
  } catch {
    return undefined // no route: the send itself will say why
  } finally {
    await closeUdp(probe)
  }
}

/** What recvfrom(recvSize) made of a datagram: `kept` is its first recvSize bytes, the rest is gone for good. */
export function datagramRead(datagram: Uint8Array, kept: Uint8Array, recvSize: number, wildcard?: string): Extract<RecvDetail, { what: 'datagram' }> {
  return { what: 'datagram', recvSize, truncatedTo: kept.length < datagram.length ? kept.length : undefined, wildcard }
}
