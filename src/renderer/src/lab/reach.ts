// Who can reach a server, from the address it is bound to: the whole network (all interfaces),
// this machine only (loopback), or whoever can reach that one address.

import { isIPv4 } from '../../../shared/address'

export interface Reach {
  kind: 'network' | 'machine' | 'address'
  /** A few words for the status line. */
  short: string
  /** The whole story, for the tooltip. */
  long: string
}

export function reachOf(address: string): Reach {
  const a = address.toLowerCase()
  if (a === '0.0.0.0' || a === '::') {
    const dual = a === '::' ? ' IPv4 clients reach it too (dual stack): the server sees them as ::ffff:a.b.c.d.' : ''
    return {
      kind: 'network',
      short: 'other machines can connect',
      long: `Bound to all interfaces (${address}): other machines on the network can reach this server, not only this one.${dual} Bind to ${a === '::' ? '::1' : '127.0.0.1'} to keep it on this machine.`
    }
  }
  if ((isIPv4(a) && a.startsWith('127.')) || a === '::1' || a === 'localhost') {
    return { kind: 'machine', short: 'only this machine can connect', long: `Bound to the loopback address ${address}: only programs on this machine can reach this server.` }
  }
  return { kind: 'address', short: `reachable at ${address}`, long: `Bound to ${address} only: machines that can reach that address (on its network) can connect; other addresses of this machine do not answer.` }
}
