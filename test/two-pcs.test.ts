// Two PCs in a lab room, for real: two network namespaces of this test's own (sl-2pc-a-<pid>,
// sl-2pc-b-<pid>) joined by a veth pair, with IPv4 and IPv6 addresses, as two PCs on one lab
// network. socklab's servers run in A and its clients in B (`ip netns exec`). Root only (CI runs
// as root); elsewhere skipped with the reason printed. Everything is deleted in afterAll, also
// when a test fails. Traffic stays inside the namespaces.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { namespaceSkipReason } from './netem-namespace'
import { langEnv, SOCKLAB } from './helpers/processes'
import { createI18n } from '../src/shared/i18n/i18n'
import { said, say, type Said } from '../src/shared/i18n/said'
import type { LocalAddress } from '../src/cli/addresses'

const skip = namespaceSkipReason() !== null
const A = `sl-2pc-a-${process.pid}`
const B = `sl-2pc-b-${process.pid}`
const VA = `v2a${process.pid}`.slice(0, 15)
const VB = `v2b${process.pid}`.slice(0, 15)
const A4 = '10.231.0.1'
const B4 = '10.231.0.2'
const A6 = 'fd00:231::1'
const B6 = 'fd00:231::2'
const en = createI18n('en').t
const words = (s: Said): string => say(en, s)

const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 })

interface Done {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs socklab in a namespace to its end (bounded). */
function socklab(ns: string, args: string[], timeoutMs = 15_000): Promise<Done> {
  return new Promise((resolve) => {
    const child = execFile('ip', ['netns', 'exec', ns, process.execPath, SOCKLAB, ...args], { env: langEnv('en'), timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr })
    })
    child.stdin?.end()
  })
}

const servers: ChildProcess[] = []

/** Starts a socklab server in a namespace; resolves once it printed its first line (it listens). */
function server(ns: string, args: string[]): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, SOCKLAB, ...args], { env: langEnv('en'), stdio: ['ignore', 'pipe', 'pipe'] })
    servers.push(child)
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`server ${args.join(' ')} did not start: ${err}`)), 10_000)
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      clearTimeout(timer)
      resolve({ child, stdout: () => out, stderr: () => err })
    })
    child.on('exit', () => {
      clearTimeout(timer)
      reject(new Error(`server ${args.join(' ')} ended: ${err}`))
    })
  })
}

/** B's own /etc/hosts (`ip netns exec` mounts /etc/netns/B/hosts over /etc/hosts): the partner's PC by name. */
const HOSTS_DIR = `/etc/netns/${B}`

function teardown(): void {
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL')
  fs.rmSync(HOSTS_DIR, { recursive: true, force: true })
  for (const ns of [A, B]) {
    try {
      ip(['netns', 'del', ns])
    } catch {
      // not made (or already gone)
    }
  }
}

describe.skipIf(skip)('two PCs in a lab room: two network namespaces joined by a veth pair', { timeout: 60_000 }, () => {
  beforeAll(() => {
    teardown()
    ip(['netns', 'add', A])
    ip(['netns', 'add', B])
    ip(['link', 'add', VA, 'netns', A, 'type', 'veth', 'peer', 'name', VB, 'netns', B])
    for (const [ns, dev, v4, v6] of [
      [A, VA, A4, A6],
      [B, VB, B4, B6]
    ]) {
      ip(['-n', ns, 'link', 'set', 'lo', 'up'])
      ip(['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev])
      ip(['-n', ns, 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad'])
      ip(['-n', ns, 'link', 'set', dev, 'up'])
    }
  })
  afterAll(async () => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exitCode !== null || s.signalCode !== null) return resolve()
            const force = setTimeout(() => s.kill('SIGKILL'), 3000)
            s.once('exit', () => {
              clearTimeout(force)
              resolve()
            })
            s.kill('SIGTERM')
          })
      )
    )
    teardown()
    expect(ip(['netns', 'list'])).not.toContain(A)
  })

  it('addresses: A lists its veth addresses to give a partner, loopback not', async () => {
    const r = await socklab(A, ['addresses', '--json'])
    expect(r.code).toBe(0)
    const list = (JSON.parse(r.stdout) as { addresses: LocalAddress[] }).addresses
    expect(list).toContainEqual({ interface: VA, family: 'IPv4', address: A4, scope: 'network', give: true })
    expect(list).toContainEqual({ interface: VA, family: 'IPv6', address: A6, scope: 'network', give: true })
    expect(list).toContainEqual({ interface: 'lo', family: 'IPv4', address: '127.0.0.1', scope: 'loopback', give: false })
    for (const l of list.filter((x) => x.address.startsWith('fe80'))) expect(l).toMatchObject({ scope: 'link-local', give: false })
    const text = await socklab(A, ['addresses'])
    expect(text.stdout.split('\n')[0]).toBe(en('net:give', { count: 2 }))
    expect(text.stdout).toContain(A4)
  })

  it('TCP and UDP over IPv4 and IPv6: the server in A, the client in B', async () => {
    await server(A, ['tcp-server', '-p', '12000'])
    await server(A, ['tcp-server', '-6', '-p', '12001'])
    await server(A, ['udp-server', '-p', '12000'])
    await server(A, ['udp-server', '-6', '-p', '12001'])
    const tcp4 = await socklab(B, ['tcp-client', '-a', A4, '-p', '12000', '-m', 'hello from b'])
    expect(tcp4.stderr).toBe('')
    expect(tcp4.stdout).toContain('HELLO FROM B')
    const tcp6 = await socklab(B, ['tcp-client', '-6', '-a', A6, '-p', '12001', '-m', 'over six'])
    expect(tcp6.stderr).toBe('')
    expect(tcp6.stdout).toContain('OVER SIX')
    const udp4 = await socklab(B, ['udp-client', '-a', A4, '-p', '12000', '-m', 'datagram four', '--timeout', '5'])
    expect(udp4.stdout).toContain('DATAGRAM FOUR')
    const udp6 = await socklab(B, ['udp-client', '-6', '-a', A6, '-p', '12001', '-m', 'datagram six', '--timeout', '5'])
    expect(udp6.stdout).toContain('DATAGRAM SIX')
  })

  it("B's client reaches A by host name (B's /etc/hosts names it partner-pc)", async () => {
    fs.mkdirSync(HOSTS_DIR, { recursive: true })
    fs.writeFileSync(`${HOSTS_DIR}/hosts`, `127.0.0.1 localhost\n${A4} partner-pc\n${A6} partner-pc6\n`)
    await server(A, ['tcp-server', '-p', '12050'])
    const r = await socklab(B, ['tcp-client', '-a', 'partner-pc', '-p', '12050', '-m', 'by name'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('BY NAME')
    await server(A, ['tcp-server', '-6', '-p', '12051'])
    const six = await socklab(B, ['tcp-client', '-6', '-a', 'partner-pc6', '-p', '12051', '-m', 'by name six'])
    expect(six.stderr).toBe('')
    expect(six.stdout).toContain('BY NAME SIX')
  })

  it("a firewall in A that DROPs: B's connect times out, and the explanation says what it may be", async () => {
    await server(A, ['tcp-server', '-p', '12040'])
    execFileSync('ip', ['netns', 'exec', A, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '12040', '-j', 'DROP'], { timeout: 10_000 })
    const r = await socklab(B, ['tcp-client', '-a', A4, '-p', '12040', '-m', 'dropped', '--timeout', '2'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`ERROR: ${words(said('error:connectTimeout', { target: `(${A4}, 12040)`, seconds: 2 }))}\n`)
  })

  it("a server bound to one of A's addresses serves B; an address that is not A's is one clear line", async () => {
    await server(A, ['tcp-server', '-a', A4, '-p', '12010'])
    const r = await socklab(B, ['tcp-client', '-a', A4, '-p', '12010', '-m', 'bound'])
    expect(r.stdout).toContain('BOUND')
    const wrong = await socklab(A, ['tcp-server', '-a', B4, '-p', '12011'])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toBe(`ERROR: ${words(said('error:addrNotAvail', { address: B4 }))}\n`)
  })

  it('a server on loopback in A: its note says a partner cannot reach it, and B is refused', async () => {
    const s = await server(A, ['tcp-server', '-a', '127.0.0.1', '-p', '12020'])
    expect(s.stderr()).toBe(`${en('net:loopbackNote', { address: '127.0.0.1' })}\n`)
    const local = await socklab(A, ['tcp-client', '-a', '127.0.0.1', '-p', '12020', '-m', 'here'])
    expect(local.stdout).toContain('HERE')
    const r = await socklab(B, ['tcp-client', '-a', A4, '-p', '12020', '-m', 'there'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`ERROR: ${words(said('error:refusedRemote', { at: `(${A4}, 12020)` }))}\n`)
  })

  it("a firewall in A that REJECTs with icmp-admin-prohibited: B's client says unreachable, firewall named", async () => {
    await server(A, ['tcp-server', '-p', '12030'])
    execFileSync('ip', ['netns', 'exec', A, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '12030', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'], { timeout: 10_000 })
    const r = await socklab(B, ['tcp-client', '-a', A4, '-p', '12030', '-m', 'blocked'])
    expect(r.code).toBe(1)
    const expected = words(said('error:hostUnreach', { address: A4 }))
    expect(r.stderr).toBe(`ERROR: ${expected}\n`)
    expect(expected).toContain('administratively prohibited')
  })

  it('unreachable addresses: a network B has no route to, and an unreachable route', async () => {
    const net = await socklab(B, ['tcp-client', '-a', '10.99.0.1', '-p', '12000', '-m', 'nowhere'])
    expect(net.code).toBe(1)
    expect(net.stderr).toBe(`ERROR: ${words(said('error:netUnreach', { address: '10.99.0.1' }))}\n`)
    ip(['-n', B, 'route', 'add', 'unreachable', '10.232.0.0/24'])
    const host = await socklab(B, ['tcp-client', '-a', '10.232.0.7', '-p', '12000', '-m', 'nowhere'])
    expect(host.code).toBe(1)
    expect(host.stderr).toBe(`ERROR: ${words(said('error:hostUnreach', { address: '10.232.0.7' }))}\n`)
  })
})
