// The capture filter (BPF, compiled by dumpcap into the kernel): only the lab's ports, so that a
// student sees their own exchange and nothing else of the machine's traffic.

import type { Family } from '../../shared/events'

export function captureFilter(ports: readonly number[], families: readonly Family[] = ['IPv4', 'IPv6']): string {
  if (ports.length === 0) throw new RangeError('a capture needs at least one port')
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`not a port: ${p}`)
  }
  const portList = [...new Set(ports)].map((p) => `port ${p}`).join(' or ')
  const both = families.includes('IPv4') && families.includes('IPv6')
  const family = both ? '' : families.includes('IPv6') ? 'ip6 and ' : 'ip and '
  return `${family}(tcp or udp) and (${portList})`
}
