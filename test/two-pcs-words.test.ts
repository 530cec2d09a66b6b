// The words of two PCs, without root: which addresses to give a partner, and which refusal
// socklab can explain (another PC's may be a firewall's reset; this machine's is no server).

import { describe, expect, it } from 'vitest'
import type os from 'node:os'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { langEnv, ROOT, SOCKLAB } from './helpers/processes'
import { createI18n } from '../src/shared/i18n/i18n'
import { isLocalAddress, localAddresses } from '../src/cli/addresses'
import { explainError } from '../src/engine/errors'

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' && { scopeid: 0 }) }) as os.NetworkInterfaceInfo

describe('localAddresses: which to give a partner', () => {
  const list = localAddresses({
    lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
    eth0: [info('fe80::1', 'IPv6'), info('192.0.2.7', 'IPv4'), info('2001:db8::7', 'IPv6'), info('169.254.3.4', 'IPv4')]
  })
  it('gives the network addresses first, IPv4 before IPv6; loopback and link-local are marked and not given', () => {
    expect(list.slice(0, 2)).toEqual([
      { interface: 'eth0', family: 'IPv4', address: '192.0.2.7', scope: 'network', give: true },
      { interface: 'eth0', family: 'IPv6', address: '2001:db8::7', scope: 'network', give: true }
    ])
    expect(list.find((l) => l.address === '::1')).toMatchObject({ scope: 'loopback', give: false })
    expect(list.find((l) => l.address === 'fe80::1')).toMatchObject({ scope: 'link-local', give: false })
    expect(list.find((l) => l.address === '169.254.3.4')).toMatchObject({ scope: 'link-local', give: false })
  })
  it('a server may bind to its own addresses and the wildcards, not to another PC’s', () => {
    expect(isLocalAddress('192.0.2.7', list)).toBe(true)
    expect(isLocalAddress('0.0.0.0', list)).toBe(true)
    expect(isLocalAddress('::', list)).toBe(true)
    expect(isLocalAddress('192.0.2.8', list)).toBe(false)
  })
})

describe('explainError: a refusal', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  it("from this machine's loopback: no server listens there", () => {
    expect(explainError(refused, { address: '127.0.0.1', port: 12000, action: 'connect' }).said.key).toBe('error:refused')
    expect(explainError(refused, { address: '::1', port: 12000, action: 'connect' }).said.key).toBe('error:refused')
  })
  it("from another PC: no server, or a firewall's reset, which socklab cannot tell apart", () => {
    const e = explainError(refused, { address: '192.0.2.7', port: 12000, action: 'connect' })
    expect(e.said.key).toBe('error:refusedRemote')
    expect(e.message).toContain('cannot tell the two apart')
  })
})

describe.skipIf(!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js')))('npx socklab addresses', () => {
  it('speaks Italian under LANG=it_IT.UTF-8, --json is data, a wrong option is one line and exit 2', () => {
    const it_ = createI18n('it').t
    const text = spawnSync(process.execPath, [SOCKLAB, 'addresses'], { env: langEnv('it'), encoding: 'utf8', timeout: 15_000 })
    expect(text.status).toBe(0)
    expect(text.stdout).toContain(it_('net:hint'))
    const json = spawnSync(process.execPath, [SOCKLAB, 'addresses', '--json'], { env: langEnv('it'), encoding: 'utf8', timeout: 15_000 })
    const list = (JSON.parse(json.stdout) as { addresses: { address: string; scope: string }[] }).addresses
    expect(list).toContainEqual(expect.objectContaining({ address: '127.0.0.1', scope: 'loopback' }))
    const bad = spawnSync(process.execPath, [SOCKLAB, 'addresses', '--all'], { env: langEnv('en'), encoding: 'utf8', timeout: 15_000 })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe(`ERROR: ${createI18n('en').t('net:badOption', { option: '--all' })}\n`)
  })
})
