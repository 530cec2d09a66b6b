// Who can reach a server, from the address it is bound to: the whole network (all interfaces),
// this machine only (loopback), or whoever can reach that one address.

import { isIPv4 } from '../../../shared/address'
import { said, type Said } from '../../../shared/i18n/said'

export interface Reach {
  kind: 'network' | 'machine' | 'address'
  /** A few words for the status line. */
  short: Said
  /** The whole story, for the tooltip. */
  long: Said
}

/** Who can reach a server bound to `address`; a UDP server (`datagrams`) takes datagrams, no connections. */
export function reachOf(address: string, datagrams = false): Reach {
  const a = address.toLowerCase()
  if (a === '0.0.0.0' || a === '::') {
    const dual = a === '::' ? said('lab:reach.dual') : ''
    return {
      kind: 'network',
      short: datagrams ? said('lab:reach.udp.networkShort') : said('lab:reach.networkShort'),
      long: said('lab:reach.networkLong', { address, dual, loopback: a === '::' ? '::1' : '127.0.0.1' })
    }
  }
  if ((isIPv4(a) && a.startsWith('127.')) || a === '::1' || a === 'localhost') {
    return { kind: 'machine', short: datagrams ? said('lab:reach.udp.machineShort') : said('lab:reach.machineShort'), long: said('lab:reach.machineLong', { address }) }
  }
  return { kind: 'address', short: said('lab:reach.addressShort', { address }), long: datagrams ? said('lab:reach.udp.addressLong', { address }) : said('lab:reach.addressLong', { address }) }
}
