// `socklab addresses`: this machine's own addresses, to give a partner in a lab room. Per
// interface, IPv4 and IPv6; loopback (only this machine) and link-local (needs the interface's
// name, %eth0) are marked as such; the others are the ones a partner on the same network can use.

import os from 'node:os'
import { UsageError } from './args'
import { said } from '../shared/i18n/said'
import { cliWords } from './words'

export type AddressScope = 'loopback' | 'link-local' | 'network'

export interface LocalAddress {
  interface: string
  family: 'IPv4' | 'IPv6'
  address: string
  scope: AddressScope
  /** The one to give a partner: neither loopback nor link-local. */
  give: boolean
}

/** What os.networkInterfaces() returns, as a list (sorted: addresses to give first). */
export function localAddresses(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): LocalAddress[] {
  const list: LocalAddress[] = []
  for (const [name, infos] of Object.entries(ifaces)) {
    for (const info of infos ?? []) {
      const family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 'IPv6' : 'IPv4'
      const scope: AddressScope = info.internal || isLoopback(info.address) ? 'loopback' : isLinkLocal(info.address) ? 'link-local' : 'network'
      list.push({ interface: name, family, address: info.address, scope, give: scope === 'network' })
    }
  }
  return list.sort((a, b) => Number(b.give) - Number(a.give) || (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
}

function isLoopback(a: string): boolean {
  return a === '::1' || a.startsWith('127.')
}

function isLinkLocal(a: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(a) || a.startsWith('169.254.')
}

/** Whether `address` is one of this machine's own (or a wildcard): a server can bind to it. */
export function isLocalAddress(address: string, list: LocalAddress[] = localAddresses()): boolean {
  const a = address.replace(/%.*$/, '')
  return a === '' || a === '0.0.0.0' || a === '::' || list.some((l) => l.address === a)
}

/** `socklab addresses [--json]`. */
export function runAddresses(argv: string[]): number {
  const t = cliWords()
  const json = argv.includes('--json')
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${t('net:usage')}\n`)
    return 0
  }
  const unknown = argv.find((a) => a !== '--json')
  if (unknown !== undefined) throw new UsageError(said('net:badOption', { option: unknown }))
  const list = localAddresses()
  if (json) {
    process.stdout.write(`${JSON.stringify({ addresses: list }, null, 2)}\n`)
    return 0
  }
  const give = list.filter((l) => l.give)
  const width = Math.max(...list.map((l) => l.address.length), 15) + 2
  const lines: string[] = [give.length > 0 ? t('net:give', { count: give.length }) : t('net:none')]
  for (const l of give) lines.push(`  ${l.address.padEnd(width)} ${l.family}  ${l.interface}`)
  const rest = list.filter((l) => !l.give)
  if (rest.length > 0) {
    lines.push('', t('net:others'))
    // t('net:scope.loopback') t('net:scope.link-local') t('net:scope.network')
    for (const l of rest) lines.push(`  ${l.address.padEnd(width)} ${l.family}  ${l.interface}  ${t(`net:scope.${l.scope}`)}`)
  }
  lines.push('', t('net:hint'))
  process.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

/**
 * The CLI server's one line at start, when a partner cannot reach it: bound to loopback. socklab's
 * note (stderr), not the course program's line. Null when other machines can reach it.
 */
export function loopbackNote(address: string | undefined): string | null {
  if (address === undefined || !isLoopback(address.replace(/^::ffff:/, ''))) return null
  const t = cliWords()
  return t('net:loopbackNote', { address })
}
