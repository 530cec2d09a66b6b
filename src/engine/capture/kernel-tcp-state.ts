// The kernel's TCP state of the lab's connections. Linux lists every TCP socket of the network
// namespace in /proc/net/tcp and /proc/net/tcp6 (addresses in hex, in the host's byte order);
// other systems do not expose such a file, and the reading says so.

import { said, type Said } from '../../shared/i18n/said'
import fs from 'node:fs/promises'
import os from 'node:os'
import type { Family, SockAddr } from '../../shared/events'
import type { KernelSocket, KernelTcpSnapshot, KernelTcpState } from '../../shared/kernel-tcp'

/** The state codes of include/net/tcp_states.h. NEW_SYN_RECV (a request not yet a socket) shows as SYN_RECV. */
const STATE_CODES: Record<number, KernelTcpState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'SYN_RECV'
}

/** Each 32-bit word is printed as a number in the host's byte order: put its bytes back in network order. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const bytes: number[] = []
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16))
    bytes.push(...(littleEndian ? word.reverse() : word))
  }
  return bytes
}

/** "0100007F" → 127.0.0.1; 32 hex digits → an IPv6 address, with ::ffff:a.b.c.d shown as the IPv4 address it carries. */
export function decodeAddress(hex: string, littleEndian: boolean): { address: string; family: Family } {
  const b = wordBytes(hex, littleEndian)
  if (b.length === 4) return { address: b.join('.'), family: 'IPv4' }
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff
  if (mapped) return { address: b.slice(12).join('.'), family: 'IPv4' }
  const groups = []
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16))
  // The URL parser writes IPv6 in its shortest standard form (RFC 5952).
  return { address: new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1), family: 'IPv6' }
}

function endpoint(text: string, littleEndian: boolean): SockAddr {
  const [hex, port] = text.split(':')
  const { address, family } = decodeAddress(hex, littleEndian)
  return { address, port: parseInt(port, 16), family }
}

/** The port at the end of an "ADDRESS:PORT" field that ends at `end` (4 hex digits), or -1. */
function portBefore(line: string, end: number): number {
  return end >= 5 && line[end - 5] === ':' ? parseInt(line.slice(end - 4, end), 16) : -1
}

/**
 * The lines of /proc/net/tcp or tcp6 (the first is a header); with `ports`, only the sockets with
 * a local or remote port among them. The ports are read first and the rest only for those: on a
 * busy machine the file lists tens of thousands of sockets (the TIME_WAITs of a benchmark), and
 * decoding them all every half second kept the host busy for a tenth of a second each time.
 */
export function parseProcNetTcp(text: string, littleEndian = os.endianness() === 'LE', ports?: ReadonlySet<number>): KernelSocket[] {
  const sockets: KernelSocket[] = []
  for (const line of text.split('\n').slice(1)) {
    if (ports) {
      // "   0: 0100007F:2EE0 00000000:0000 0A ...": the local and the remote address come first.
      const local = line.indexOf(' ', line.indexOf(': ') + 2)
      const remote = line.indexOf(' ', local + 1)
      if (local < 0 || remote < 0 || !(ports.has(portBefore(line, local)) || ports.has(portBefore(line, remote)))) continue
    }
    const f = line.trim().split(/\s+/)
    if (f.length < 10 || !/^\d+:$/.test(f[0])) continue
    const state = STATE_CODES[parseInt(f[3], 16)]
    if (!state) continue
    const [tx, rx] = f[4].split(':').map((h) => parseInt(h, 16))
    sockets.push({ local: endpoint(f[1], littleEndian), remote: endpoint(f[2], littleEndian), state, recvQueue: rx, sendQueue: tx, uid: Number(f[7]), inode: Number(f[9]) })
  }
  return sockets
}

export function notExposedReason(platform: NodeJS.Platform): Said {
  const system = platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform
  return said('wire:kernel.notExposed', { system })
}

/** The kernel's TCP sockets with a local or remote port among `ports` (all of them when `ports` is empty). */
export async function readKernelTcp(ports: readonly number[], platform: NodeJS.Platform = process.platform): Promise<KernelTcpSnapshot> {
  if (platform !== 'linux') return { exposed: false, reason: notExposedReason(platform) }
  const read = (file: string): Promise<string> => fs.readFile(file, 'utf8').catch(() => '')
  const [v4, v6] = await Promise.all([read('/proc/net/tcp'), read('/proc/net/tcp6')])
  if (!v4 && !v6) return { exposed: false, reason: said('wire:kernel.noProc') }
  const wanted = ports.length ? new Set(ports) : undefined
  return { exposed: true, version: 0, sockets: [...parseProcNetTcp(v4, undefined, wanted), ...parseProcNetTcp(v6, undefined, wanted)] }
}

/** What a window shows of the rows, as one string: equal strings, nothing new to send (timers, which tick, are left out). */
export function readingKey(sockets: readonly KernelSocket[]): string {
  let key = ''
  for (const s of sockets) key += `${s.state} ${s.local.address} ${s.local.port} ${s.remote.address} ${s.remote.port} ${s.recvQueue} ${s.sendQueue} ${s.inode}\n`
  return key
}
