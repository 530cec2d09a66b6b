// The capture filter (BPF, compiled by dumpcap into the kernel): only the lab's ports, so that a
// student sees their own exchange and nothing else of the machine's traffic. Its compile time grows
// faster than the number of ports it names (0.08 s for 10, 1.1 s for 100, 5.3 s for 200, 18.7 s
// for 500 on a 2-core PC): past MAX_FILTER_PORTS a capture takes 'all' TCP/UDP, a filter of fixed
// size, and the caller selects its ports from what comes.

import type { Family } from '../../shared/events'

/** The most ports a filter names: about 0.1 s to compile. */
export const MAX_FILTER_PORTS = 16

export function captureFilter(ports: readonly number[] | 'all', families: readonly Family[] = ['IPv4', 'IPv6']): string {
  const both = families.includes('IPv4') && families.includes('IPv6')
  const family = both ? '' : families.includes('IPv6') ? 'ip6 and ' : 'ip and '
  if (ports === 'all') return `${family}(tcp or udp)`
  if (ports.length === 0) throw new RangeError('a capture needs at least one port')
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`not a port: ${p}`)
  }
  const portList = [...new Set(ports)].map((p) => `port ${p}`).join(' or ')
  return `${family}(tcp or udp) and (${portList})`
}
