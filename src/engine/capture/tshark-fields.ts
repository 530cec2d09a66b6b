// tshark's `-T fields` output, one packet per line, turned into typed packets. Pure: no process,
// no clock, so it is tested on lines real captures produced. The field list is stated once here;
// the tshark arguments and the parser both read it, so they cannot disagree on the order.

import type { Family, SockAddr } from '../../shared/events'
import type { TcpFlag, WirePacket } from '../../shared/wire'

export const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'tcp.flags',
  'tcp.seq',
  'tcp.ack',
  'tcp.window_size',
  'tcp.len',
  'udp.srcport',
  'udp.dstport',
  'udp.stream',
  'udp.length',
  'frame.md5_hash'
] as const

const at = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<(typeof FIELDS)[number], number>

/**
 * How tshark prints packets for the parser: one line each, flushed at once (-l), no name lookups
 * (-n), tab-separated, first occurrence only (an ICMP error quotes a second IP header), no header
 * line; seq/ack relative whatever the user's own Wireshark preferences say.
 */
export function outputArgs(): string[] {
  return [
    '-l', '-n',
    '-o', 'tcp.relative_sequence_numbers:TRUE',
    '-o', 'tcp.analyze_sequence_numbers:TRUE',
    // The frame's digest tells one packet seen by two overlapping captures (see frameDigest).
    '-o', 'frame.generate_md5_hash:TRUE',
    '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f', '-E', 'header=n',
    ...FIELDS.flatMap((f) => ['-e', f])
  ]
}

/** tshark reading a capture file, printing as it does live. */
export function readFileArgs(file: string): string[] {
  return ['-r', file, ...outputArgs()]
}

/**
 * The MD5 of the frame's bytes (addresses, ports, raw seq/ack, IP ID, checksums, payload): two
 * captures that overlap see the same packet with the same digest. Their timestamps may differ by
 * a microsecond, so the time alone cannot tell it.
 */
export function frameDigest(fields: readonly string[]): string | undefined {
  return fields[at['frame.md5_hash']] || undefined
}

/** A line of tshark's output cut into its fields (FIELDS order), once for parsePacketFields and frameDigest alike. */
export function splitFieldLine(line: string): string[] {
  return line.replace(/\r$/, '').split('\t')
}

/** Bit of each flag in the TCP header's flags field. */
const FLAG_BITS: [TcpFlag, number][] = [
  ['SYN', 0x002],
  ['FIN', 0x001],
  ['RST', 0x004],
  ['PSH', 0x008],
  ['ACK', 0x010],
  ['URG', 0x020],
  ['ECE', 0x040],
  ['CWR', 0x080]
]

export function decodeFlags(bits: number): TcpFlag[] {
  return FLAG_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([flag]) => flag)
}

/** "1795603367.824273262" → microseconds since the epoch, without the rounding of a float parse. */
export function epochMicros(text: string): number {
  const [sec, frac = ''] = text.split('.')
  return Number(sec) * 1e6 + Number(frac.padEnd(6, '0').slice(0, 6))
}

const int = (text: string | undefined): number | undefined => {
  if (text === undefined || text === '') return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/** UDP's length field counts its own 8-byte header. */
const UDP_HEADER = 8

/**
 * One line of tshark's output → a packet, or null for a line that is not a TCP or UDP packet over
 * IP (tshark prints other frames too if a filter lets them through). sender and step are left to
 * the conversation tracker.
 */
export function parseFieldLine(line: string): WirePacket | null {
  return parsePacketFields(splitFieldLine(line))
}

/** parseFieldLine for a line already cut into its fields. */
export function parsePacketFields(f: readonly string[]): WirePacket | null {
  if (f.length < FIELDS.length) return null
  const family: Family | null = f[at['ip.src']] ? 'IPv4' : f[at['ipv6.src']] ? 'IPv6' : null
  if (!family) return null
  const srcAddress = family === 'IPv4' ? f[at['ip.src']] : f[at['ipv6.src']]
  const dstAddress = family === 'IPv4' ? f[at['ip.dst']] : f[at['ipv6.dst']]
  const no = int(f[at['frame.number']])
  const time = f[at['frame.time_epoch']] ? epochMicros(f[at['frame.time_epoch']]) : undefined
  if (no === undefined || time === undefined || !Number.isFinite(time)) return null
  const addr = (address: string, port: number | undefined): SockAddr | null => (port === undefined ? null : { address, port, family })

  if (f[at['tcp.srcport']]) {
    const src = addr(srcAddress, int(f[at['tcp.srcport']]))
    const dst = addr(dstAddress, int(f[at['tcp.dstport']]))
    const flags = int(f[at['tcp.flags']])
    if (!src || !dst || flags === undefined) return null
    return {
      no,
      time,
      proto: 'TCP',
      family,
      src,
      dst,
      conversation: `TCP ${f[at['tcp.stream']]}`,
      flags: decodeFlags(flags),
      seq: int(f[at['tcp.seq']]),
      ack: int(f[at['tcp.ack']]),
      window: int(f[at['tcp.window_size']]),
      length: int(f[at['tcp.len']]) ?? 0
    }
  }
  if (f[at['udp.srcport']]) {
    const src = addr(srcAddress, int(f[at['udp.srcport']]))
    const dst = addr(dstAddress, int(f[at['udp.dstport']]))
    if (!src || !dst) return null
    return {
      no,
      time,
      proto: 'UDP',
      family,
      src,
      dst,
      conversation: `UDP ${f[at['udp.stream']]}`,
      flags: [],
      length: Math.max(0, (int(f[at['udp.length']]) ?? UDP_HEADER) - UDP_HEADER)
    }
  }
  return null
}
