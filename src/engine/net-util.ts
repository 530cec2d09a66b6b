// Small socket helpers shared by the endpoints.

import dns from 'node:dns/promises'
import type net from 'node:net'
import type { Family, UnreadReset } from '../shared/events'
import { ipFamily } from '../shared/address'
import { explainError, LabError } from './errors'
import { said, type Said } from '../shared/i18n/said'

/**
 * Listens on address:port, failing with a sentence a student can read (port in use...); errors
 * after that go to `onError` while the server keeps running.
 */
export async function listenTcp(server: net.Server, address: string, port: number, backlog: number, onError: (message: string, code?: string, said?: Said) => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(explainError(err, { address, port, action: 'listen' })))
    server.listen({ host: address, port, backlog }, resolve)
  })
  server.on('error', (err) => {
    const e = explainError(err, { address, port })
    onError(e.message, e.code, e.said)
  })
}

/** Closes a listening server; resolves once the port is free, also when it never listened. */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
  })
}

export interface Resolved {
  address: string
  family: Family
}

/**
 * A client's target: IP literals as they are, host names through the system resolver
 * (/etc/hosts first, so `localhost` works with no network at all), preferring `family`.
 */
export async function resolveHost(host: string, family?: Family): Promise<Resolved> {
  const literal = ipFamily(host)
  if (literal) return { address: host, family: literal }
  try {
    const found = await dns.lookup(host, { family: family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : 0 })
    return { address: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' }
  } catch (err) {
    if (family) {
      // Asked for one family and the name has only the other: say so rather than "cannot resolve".
      const any = await dns.lookup(host).catch(() => null)
      if (any) throw new LabError(said('error:noFamilyAddress', { host, family, other: any.family === 6 ? 'IPv6' : 'IPv4', address: any.address }))
    }
    throw explainError(err, { address: host })
  }
}

/**
 * The course's close(), in this very step: with all written in the kernel, closing the descriptor
 * makes the kernel send the FIN now (RST with `reset`: bytes were left unread). Writes still queued
 * in Node go first: end() sends the FIN once they are in the kernel, and the socket closes after.
 */
export function closeNow(socket: net.Socket, reset: UnreadReset | undefined): void {
  if (socket.destroyed) return
  if (reset) socket.resetAndDestroy()
  else if (socket.writableLength === 0) socket.destroy()
  else {
    socket.end()
    socket.destroySoon()
  }
}

/**
 * What a close() now would leave unread: `taken` bytes Node read beyond the program's recv(N), and
 * what Node buffered since. Bytes still in the kernel or in flight are not known, so the count is a
 * lower bound unless the peer's end of stream was read (`ended`). Undefined when nothing is known
 * unread, or when the socket is already gone (its close sends nothing, so it resets nothing).
 */
export function unreadAtClose(socket: net.Socket, taken: number, ended = false): UnreadReset | undefined {
  if (socket.destroyed) return undefined
  const unread = taken + socket.readableLength
  return unread > 0 ? { unread, atLeast: !ended } : undefined
}
