// The renderer's lab state: what a reloaded window rebuilds from the endpoints the host still runs,
// and what a window open all along takes in of another window's.

import { afterAll, describe, expect, it } from 'vitest'
import type { EndpointConfig, EndpointInfo, HostInfo, StoppedInfo } from '../../src/shared/contract'
import { dispatch } from '../../src/session/dispatch'
import { createLabHandlers } from '../../src/session/handlers'
import { LabCapture } from '../../src/session/lab-capture'
import { Lab } from '../../src/engine/lab'
import { adoptEndpoints, clientConfig, clientStatus as clientStatusSaid, familyMismatch as familyMismatchSaid, initialLab, MAX_RESTORED_TAB, restoreLabs, serverConfig, signatureOf, withFamily, withServerPort, withStoppedServers, type ClientFields, type LabKind, type LabState, type ServerFields } from '../../src/renderer/src/lab/lab-state'
import { clampLogSize, LOG_SIZE_MAX, LOG_SIZE_MIN } from '../../src/renderer/src/ui/zoom'
import { english, italian } from '../helpers/words'
import type { Said } from '../../src/shared/i18n/said'

// As an English window words them (the model says them as Saids).
const clientStatus = (...args: Parameters<typeof clientStatusSaid>): string => english(clientStatusSaid(...args))
const familyMismatch = (...args: Parameters<typeof familyMismatchSaid>): string | undefined => english(familyMismatchSaid(...args))

const info: HostInfo = { host: 'browser', version: '0.1.0', sampleSite: '/app/sample-site', ipv6: true, canChooseFolder: false, session: 'test' }
const fresh = (): Record<LabKind, LabState> => ({ tcp: initialLab('tcp', 'IPv4', info), udp: initialLab('udp', 'IPv4', info), http: initialLab('http', 'IPv4', info), ping: initialLab('ping', 'IPv4', info) })

describe('restoreLabs', () => {
  it('shows a running server as started, with the client following its port, and a tab per running client', () => {
    const running: EndpointInfo[] = [
      { id: 'tcp-client-3', config: { kind: 'tcp-client', address: '127.0.0.1', port: 40000, recvSize: 1024, timeoutMs: 60000 } },
      { id: 'tcp-server-1', config: { kind: 'tcp-server', address: '0.0.0.0', port: 40000, recvSize: 512, concurrent: true, idleTimeoutMs: 30000 }, local: { address: '0.0.0.0', port: 40000, family: 'IPv4' } },
      { id: 'tcp-client-4', config: { kind: 'tcp-client', address: '127.0.0.1', port: 40000, recvSize: 1024, timeoutMs: 60000 } }
    ]
    const { labs, family, routes } = restoreLabs(fresh(), running, 'IPv4')
    expect(family).toBe('IPv4')
    expect(labs.tcp.run).toEqual({ id: 'tcp-server-1', local: running[1].local })
    expect(labs.tcp.server).toMatchObject({ port: '40000', recvSize: '512', concurrent: true, addressEdited: false })
    expect(labs.tcp.tabs[0].fields).toMatchObject({ port: '40000', portEdited: false })
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId])).toEqual([
      ['Client 1', 'tcp-client-3'],
      ['Client 2', 'tcp-client-4']
    ])
    expect(labs.tcp.nextTab).toBe(3)
    expect(new Map(routes)).toEqual(
      new Map([
        ['tcp-server-1', 'tcp:server'],
        ['tcp-client-3', 'tcp:client:1'],
        ['tcp-client-4', 'tcp:client:2']
      ])
    )
    // The restored client is used as it is: its signature matches what the fields would start.
    const again = clientConfig('tcp', labs.tcp.tabs[0].fields, family)
    expect('config' in again && signatureOf(again.config)).toBe(labs.tcp.tabs[0].signature)
    expect(labs.udp).toEqual(fresh().udp)
  })

  it('follows an IPv6 server into the IPv6 family, and keeps an HTTP server\'s folder', () => {
    const running: EndpointInfo[] = [{ id: 'http-server-2', config: { kind: 'http-server', address: '::', port: 8081, root: '/srv/site' }, local: { address: '::', port: 8081, family: 'IPv6' } }]
    const { labs, family } = restoreLabs(fresh(), running, 'IPv4')
    expect(family).toBe('IPv6')
    expect(labs.http.server).toMatchObject({ address: '::', addressEdited: false, root: '/srv/site', port: '8081' })
    expect(labs.http.tabs[0].fields.url).toBe('http://[::1]:8081/')
    expect(labs.tcp.server.address).toBe('::')
    expect(labs.tcp.tabs[0].fields.address).toBe('::1')
    const checked = serverConfig(labs.http)
    expect('config' in checked && checked.config).toEqual(running[0].config)
  })

  it('keeps the switch a window remembers: an IPv4 server of one lab does not undo IPv6 elsewhere, and its address follows the switch once stopped', () => {
    const running: EndpointInfo[] = [{ id: 'tcp-server-1', config: { kind: 'tcp-server', address: '0.0.0.0', port: 40000, recvSize: 1024, concurrent: false, idleTimeoutMs: 30000 }, local: { address: '0.0.0.0', port: 40000, family: 'IPv4' } }]
    const six = { tcp: withFamily(fresh().tcp, 'IPv6'), udp: withFamily(fresh().udp, 'IPv6'), http: withFamily(fresh().http, 'IPv6'), ping: withFamily(fresh().ping, 'IPv6') }
    const { labs, family } = restoreLabs(six, running, 'IPv6', [], () => false, true)
    expect(family).toBe('IPv6')
    expect(labs.udp.server.address).toBe('::')
    expect(labs.udp.tabs[0].fields.address).toBe('::1')
    expect(labs.tcp.server).toMatchObject({ address: '0.0.0.0', addressEdited: false })
    expect(familyMismatch(labs.tcp, family)).toContain('runs over IPv4')
    expect(withFamily({ ...labs.tcp, run: undefined }, family).server.address).toBe('::')
    // A window that remembers nothing still starts on the family of what runs.
    expect(restoreLabs(six, running, 'IPv6').family).toBe('IPv4')
  })

  it('changes nothing when the host runs nothing', () => {
    expect(restoreLabs(fresh(), [], 'IPv4')).toEqual({ labs: fresh(), family: 'IPv4', routes: [] })
  })

  const tcpClient = (id: string, console?: string, now: 'idle' | 'connected' | 'waiting' = 'connected'): EndpointInfo => ({
    id,
    config: { kind: 'tcp-client', address: '127.0.0.1', port: 12000, recvSize: 1024, timeoutMs: 60000 },
    client: { now },
    ...(console && { console })
  })

  it('puts each running client back in the tab its console key names, not the first free one (D1)', () => {
    // Client 1's endpoint stopped; Client 2's runs.
    const { labs, routes } = restoreLabs(fresh(), [tcpClient('tcp-client-2', 'tcp:client:2')], 'IPv4', [{ id: 'tcp-client-1', console: 'tcp:client:1' }])
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 1', undefined, 'closed'],
      ['Client 2', 'tcp-client-2', 'connected']
    ])
    expect(labs.tcp.nextTab).toBe(3)
    expect(routes).toEqual([['tcp-client-2', 'tcp:client:2']])
  })

  it('numbers the tabs as the window that made them did, and a client without a key takes the first free tab', () => {
    const running = [tcpClient('tcp-client-7', 'tcp:client:4'), tcpClient('tcp-client-8'), tcpClient('tcp-client-9', 'tcp:client:1')]
    const { labs, routes } = restoreLabs(fresh(), running, 'IPv4')
    expect(labs.tcp.tabs.map((t) => [t.key, t.label, t.endpointId])).toEqual([
      ['tcp:client:1', 'Client 1', 'tcp-client-9'],
      ['tcp:client:2', 'Client 2', 'tcp-client-8'],
      ['tcp:client:3', 'Client 3', undefined],
      ['tcp:client:4', 'Client 4', 'tcp-client-7']
    ])
    expect(labs.tcp.nextTab).toBe(5)
    expect(new Map(routes)).toEqual(
      new Map([
        ['tcp-client-7', 'tcp:client:4'],
        ['tcp-client-8', 'tcp:client:2'],
        ['tcp-client-9', 'tcp:client:1']
      ])
    )
  })

  it('makes no tab past the most a restore makes for a key a window would not make: that client takes a free tab', () => {
    const far = `tcp:client:${MAX_RESTORED_TAB + 1}`
    const { labs } = restoreLabs(fresh(), [tcpClient('tcp-client-2', far)], 'IPv4', [{ id: 'tcp-client-1', console: 'tcp:client:999999' }])
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId])).toEqual([['Client 1', 'tcp-client-2']])
  })

  it('gives two clients that name the same tab (two windows each had one) a tab each: the first started keeps it', () => {
    const { labs } = restoreLabs(fresh(), [tcpClient('tcp-client-1', 'tcp:client:1'), tcpClient('tcp-client-2', 'tcp:client:1')], 'IPv4')
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId])).toEqual([
      ['Client 1', 'tcp-client-1'],
      ['Client 2', 'tcp-client-2']
    ])
  })

  it('brings back the tab of a stopped client, cancelled if a call was under way, else closed; the newest stop says, and a running client wins', () => {
    const stopped = [
      { id: 'tcp-client-1', console: 'tcp:client:2', inCall: true as const },
      { id: 'tcp-client-2', console: 'tcp:client:3' },
      { id: 'tcp-client-3', console: 'tcp:client:3', inCall: true as const },
      { id: 'tcp-client-4', console: 'tcp:client:1' },
      // Without a key, or of a server: no tab.
      { id: 'tcp-client-5' },
      { id: 'tcp-server-1', console: 'tcp:server' }
    ]
    const { labs, routes } = restoreLabs(fresh(), [tcpClient('tcp-client-6', 'tcp:client:1', 'idle')], 'IPv4', stopped)
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 1', 'tcp-client-6', 'closed'],
      ['Client 2', undefined, 'cancelled'],
      ['Client 3', undefined, 'cancelled']
    ])
    expect(clientStatus('tcp', labs.tcp.tabs[1])).toBe('cancelled: ready for a new try')
    expect(routes).toEqual([['tcp-client-6', 'tcp:client:1']])
    expect(labs.udp).toEqual(fresh().udp)
  })
})

describe('restoreLabs with the fields a reload kept', () => {
  it("shows a kept tab's fields for a client idle or stopped (the server moved on), and a connected client's config", () => {
    const server: EndpointInfo = { id: 'tcp-server-2', config: { kind: 'tcp-server', address: '0.0.0.0', port: 23463, recvSize: 1024, concurrent: false, idleTimeoutMs: 30000 }, local: { address: '0.0.0.0', port: 23463, family: 'IPv4' } }
    const old = { kind: 'tcp-client' as const, address: '127.0.0.1', port: 23462, recvSize: 1024, timeoutMs: 60000 }
    const idle: EndpointInfo = { id: 'tcp-client-1', config: old, console: 'tcp:client:1', client: { now: 'idle', received: 5 } }
    const open: EndpointInfo = { id: 'tcp-client-3', config: old, console: 'tcp:client:3', client: { now: 'connected' } }
    const stopped: StoppedInfo = { id: 'tcp-client-2', console: 'tcp:client:2', config: old }
    const labs = fresh()
    const f = labs.tcp.tabs[0].fields
    labs.tcp = { ...labs.tcp, tabs: [1, 2, 3].map((n) => ({ key: `tcp:client:${n}`, label: `Client ${n}`, fields: { ...f, port: '23463' }, phase: 'idle' as const })), nextTab: 4 }
    const ports = (kept: (key: string) => boolean): [string, boolean][] => restoreLabs(labs, [server, idle, open], 'IPv4', [stopped], kept).labs.tcp.tabs.map((t) => [t.fields.port, t.fields.portEdited])
    expect(ports(() => true)).toEqual([
      ['23463', false],
      ['23463', false],
      ['23462', true]
    ])
    // A window that kept nothing (a new one) has only the host's word: the configs.
    expect(ports(() => false)).toEqual([
      ['23462', true],
      ['23462', true],
      ['23462', true]
    ])
  })
})

describe('adoptEndpoints', () => {
  const tcpServer: EndpointInfo = { id: 'tcp-server-2', config: { kind: 'tcp-server', address: '0.0.0.0', port: 40001, recvSize: 512, concurrent: true, idleTimeoutMs: 30000 }, local: { address: '0.0.0.0', port: 40001, family: 'IPv4' } }
  // Started in the other window's Client 2: this window's Client 2 is its own.
  const tcpClient: EndpointInfo = { id: 'tcp-client-5', config: { kind: 'tcp-client', address: '127.0.0.2', port: 40001, recvSize: 64, timeoutMs: 60000 }, client: { now: 'waiting' }, console: 'tcp:client:2' }
  const httpClient: EndpointInfo = { id: 'http-client-1', config: { kind: 'http-client', recvOnce: false, family: 'IPv4' }, client: { now: 'idle', received: 1200 } }

  /** A window in use: Client 1 and 2 of TCP are its own (tab 2 on screen, its client address typed). */
  function inUse(): Record<LabKind, LabState> {
    const labs = fresh()
    const tcp = labs.tcp
    labs.tcp = {
      ...tcp,
      tabs: [
        { ...tcp.tabs[0], endpointId: 'tcp-client-1', phase: 'done', received: 5 },
        { key: 'tcp:client:2', label: 'Client 2', fields: { ...tcp.tabs[0].fields, address: '127.0.0.9', addressEdited: true }, phase: 'idle' }
      ],
      activeTab: 'tcp:client:2',
      nextTab: 3
    }
    return labs
  }

  it("shows another window's server in its lab's panel, and gives each of its clients a new tab after the window's own", () => {
    const before = inUse()
    const { labs, routes } = adoptEndpoints(before, [tcpServer, tcpClient, httpClient], () => false, 'IPv4')
    expect(labs.tcp.run).toEqual({ id: 'tcp-server-2', local: tcpServer.local })
    expect(labs.tcp.server).toMatchObject({ port: '40001', recvSize: '512', concurrent: true })
    // The client fields the student typed stay; those not typed follow the server's port, as after Start.
    expect(labs.tcp.tabs[1].fields).toMatchObject({ address: '127.0.0.9', addressEdited: true, port: '40001', recvSize: '1024' })
    expect(labs.tcp.tabs.slice(0, 2)).toEqual(before.tcp.tabs.map((t) => ({ ...t, fields: { ...t.fields, port: '40001', url: 'http://127.0.0.1:40001/' } })))
    // Client 2 here is in use (an address typed): the other window's Client 2 gets a new tab, with the fields it was started with.
    expect(labs.tcp.tabs[2]).toEqual({
      key: 'tcp:client:3',
      label: 'Client 3',
      fields: { ...fresh().tcp.tabs[0].fields, address: '127.0.0.2', addressEdited: true, port: '40001', recvSize: '64', url: 'http://127.0.0.1:40001/' },
      endpointId: 'tcp-client-5',
      signature: signatureOf(tcpClient.config),
      phase: 'waiting'
    })
    expect(labs.tcp.activeTab).toBe('tcp:client:2')
    expect(labs.tcp.nextTab).toBe(4)
    expect(labs.http.tabs.map((t) => [t.label, t.endpointId, t.phase, t.received])).toEqual([
      ['Client 1', undefined, 'idle', undefined],
      ['Client 2', 'http-client-1', 'done', 1200]
    ])
    expect(labs.http.activeTab).toBe('http:client:1')
    expect(labs.udp).toBe(before.udp)
    expect(new Map(routes)).toEqual(
      new Map([
        ['tcp-server-2', 'tcp:server'],
        ['tcp-client-5', 'tcp:client:3'],
        ['http-client-1', 'http:client:2']
      ])
    )
  })

  it('leaves what the window shows already, and a panel that shows a run of its own; the new server still speaks in its console', () => {
    const before = inUse()
    before.tcp = { ...before.tcp, run: { id: 'tcp-server-1' } }
    const known = new Set(['tcp-server-1', 'tcp-client-1'])
    const own: EndpointInfo = { id: 'tcp-client-1', config: { kind: 'tcp-client', address: '127.0.0.9', port: 12000, recvSize: 1024, timeoutMs: 60000 }, client: { now: 'idle', received: 5 } }
    const { labs, routes } = adoptEndpoints(before, [own, tcpServer], (id) => known.has(id), 'IPv4')
    expect(labs.tcp).toEqual(before.tcp)
    expect(routes).toEqual([['tcp-server-2', 'tcp:server']])
  })

  it('gives a client that stopped before the window asked (cancelled, or closed) a tab of its own all the same, in the order the clients started', () => {
    const before = inUse()
    const cancelled: StoppedInfo = { id: 'tcp-client-4', console: 'tcp:client:1', inCall: true }
    const closed: StoppedInfo = { id: 'tcp-client-6' }
    const { labs, routes } = adoptEndpoints(before, [tcpClient], () => false, 'IPv4', [closed, cancelled, { id: 'tcp-server-1' }])
    expect(labs.tcp.tabs.slice(0, 2)).toEqual(before.tcp.tabs)
    expect(labs.tcp.tabs.slice(2).map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 3', undefined, 'cancelled'],
      ['Client 4', 'tcp-client-5', 'waiting'],
      ['Client 5', undefined, 'closed']
    ])
    expect(labs.tcp.activeTab).toBe('tcp:client:2')
    expect(routes).toEqual([
      ['tcp-client-4', 'tcp:client:3'],
      ['tcp-client-5', 'tcp:client:4'],
      ['tcp-client-6', 'tcp:client:5']
    ])
  })

  it("puts another window's client in the tab of its number here when that tab is unused, so both windows number it alike", () => {
    // This window: its own Client 1 never used. The other window's Client 1 and 2 run; its Client 3 went to 12500 and was cancelled.
    const mine = fresh()
    const b1 = { ...tcpClient, id: 'tcp-client-1', console: 'tcp:client:1', config: { ...tcpClient.config, address: '127.0.0.1', port: 12000 } } as EndpointInfo
    const b2 = { ...tcpClient, id: 'tcp-client-2', console: 'tcp:client:2', config: { ...tcpClient.config, address: '127.0.0.1', port: 12000 } } as EndpointInfo
    const b3: StoppedInfo = { id: 'tcp-client-3', console: 'tcp:client:3', inCall: true, config: { kind: 'tcp-client', address: '127.0.0.1', port: 12500, recvSize: 1024, timeoutMs: 60000 } }
    const { labs, routes } = adoptEndpoints(mine, [b1, b2], () => false, 'IPv4', [b3])
    expect(labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase, t.fields.port, t.fields.portEdited])).toEqual([
      ['Client 1', 'tcp-client-1', 'waiting', '12000', false],
      ['Client 2', 'tcp-client-2', 'waiting', '12000', false],
      ['Client 3', undefined, 'cancelled', '12500', true]
    ])
    expect(routes).toEqual([
      ['tcp-client-1', 'tcp:client:1'],
      ['tcp-client-2', 'tcp:client:2'],
      ['tcp-client-3', 'tcp:client:3']
    ])
    // A tab the student used keeps what it has: typed into, or something in its input or console (the window says).
    const typed = fresh()
    typed.tcp = { ...typed.tcp, tabs: [{ ...typed.tcp.tabs[0], fields: { ...typed.tcp.tabs[0].fields, port: '12345', portEdited: true } }] }
    for (const [labs0, quiet] of [[typed, () => true], [fresh(), (key: string) => key !== 'tcp:client:1']] as const) {
      const after = adoptEndpoints(labs0, [b1, b2], () => false, 'IPv4', [], quiet)
      expect(after.labs.tcp.tabs.map((t) => [t.label, t.endpointId])).toEqual([
        ['Client 1', undefined],
        ['Client 2', 'tcp-client-1'],
        ['Client 3', 'tcp-client-2']
      ])
      expect(after.labs.tcp.tabs[0].fields).toEqual(labs0.tcp.tabs[0].fields)
    }
  })

  it('changes nothing when everything running is known', () => {
    const before = inUse()
    expect(adoptEndpoints(before, [tcpServer, tcpClient], () => true, 'IPv4')).toEqual({ labs: before, routes: [] })
  })
})

describe('client fields per tab', () => {
  /** A TCP lab with Client 1 (port typed) and Client 2 (nothing typed). */
  function twoTabs(): LabState {
    const tcp = fresh().tcp
    const typed = { ...tcp.tabs[0].fields, port: '12345', portEdited: true }
    return { ...tcp, tabs: [{ ...tcp.tabs[0], fields: typed }, { key: 'tcp:client:2', label: 'Client 2', fields: tcp.tabs[0].fields, phase: 'idle' }], nextTab: 3 }
  }

  it("the server's port and the IPv4/IPv6 toggle reach each tab's fields not typed into, and leave those typed", () => {
    const lab = withFamily(withServerPort(twoTabs(), '12600', 'IPv4'), 'IPv6')
    expect(lab.tabs.map((t) => [t.fields.port, t.fields.address])).toEqual([
      ['12345', '::1'],
      ['12600', '::1']
    ])
    // Each tab makes its own config: Send in Client 2 goes to the server's port, not to Client 1's.
    const configs = lab.tabs.map((t) => clientConfig('tcp', t.fields, 'IPv6'))
    expect(configs.map((c) => 'config' in c && c.config.kind === 'tcp-client' && c.config.port)).toEqual([12345, 12600])
  })

  it('a reload shows a stopped client with the fields it was started with, when the host says them', () => {
    const stopped: StoppedInfo = { id: 'udp-client-4', console: 'udp:client:2', inCall: true, config: { kind: 'udp-client', address: '127.0.0.1', port: 12500, recvSize: 512, timeoutMs: 2500 } }
    const { labs } = restoreLabs(fresh(), [], 'IPv4', [stopped])
    expect(labs.udp.tabs.map((t) => [t.label, t.phase, t.fields.port, t.fields.recvSize, t.fields.timeout])).toEqual([
      ['Client 1', 'idle', '12000', '2048', '5'],
      ['Client 2', 'cancelled', '12500', '512', '2.5']
    ])
  })

  it("shows in an HTTP tab's URL field the URL its client fetched (no part of its config), typed unless it is the default", () => {
    const server: EndpointInfo = { id: 'http-server-1', config: { kind: 'http-server', address: '0.0.0.0', port: 15002, root: '/srv' }, local: { address: '0.0.0.0', port: 15002, family: 'IPv4' } }
    const config: EndpointConfig = { kind: 'http-client', recvOnce: false, family: 'IPv4' }
    const running: EndpointInfo = { id: 'http-client-1', config, console: 'http:client:1', client: { now: 'idle', received: 300 }, url: 'http://127.0.0.1:15002/about.html' }
    const atDefault: EndpointInfo = { id: 'http-client-2', config, console: 'http:client:2', client: { now: 'idle', received: 300 }, url: 'http://127.0.0.1:15002/' }
    const stopped: StoppedInfo = { id: 'http-client-3', console: 'http:client:3', inCall: true, config, url: 'http://127.0.0.1:15002/silent.html' }
    const urls = (lab: LabState): [string, string, boolean][] => lab.tabs.map((t) => [t.label, t.fields.url, t.fields.urlEdited])
    const expected: [string, string, boolean][] = [
      ['Client 1', 'http://127.0.0.1:15002/about.html', true],
      ['Client 2', 'http://127.0.0.1:15002/', false],
      ['Client 3', 'http://127.0.0.1:15002/silent.html', true]
    ]
    // A reloaded or new window ...
    const restored = restoreLabs(fresh(), [server, running, atDefault], 'IPv4', [stopped]).labs.http
    expect(urls(restored)).toEqual(expected)
    // ... and a window open all along, which adopts them.
    const adopted = adoptEndpoints(fresh(), [server, running, atDefault], () => false, 'IPv4', [stopped]).labs.http
    expect(urls(adopted)).toEqual(expected)
    // The default one still follows the toggle; the typed ones stay.
    expect(urls(withFamily(restored, 'IPv6')).map(([, url]) => url)).toEqual(['http://127.0.0.1:15002/about.html', 'http://[::1]:15002/', 'http://127.0.0.1:15002/silent.html'])
  })
})

describe('withStoppedServers', () => {
  it('puts the panel whose server stopped back to Start, and leaves the other panels', () => {
    const labs = fresh()
    labs.tcp = { ...labs.tcp, run: { id: 'tcp-server-3' } }
    labs.udp = { ...labs.udp, run: { id: 'udp-server-1' } }
    const after = withStoppedServers(labs, ['tcp-server-3'])
    expect(after.tcp.run).toBeUndefined()
    expect(after.tcp.server).toBe(labs.tcp.server)
    expect(after.udp).toBe(labs.udp)
  })

  it('returns the same labs when no server it shows stopped', () => {
    const labs = fresh()
    labs.tcp = { ...labs.tcp, run: { id: 'tcp-server-4' } }
    expect(withStoppedServers(labs, ['tcp-server-3', 'tcp-client-4'])).toBe(labs)
  })
})

describe('one validation path: the window refuses what the host refuses, in the same words', () => {
  const lab = new Lab()
  const capture = new LabCapture(lab)
  const handlers = createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere' }, capture)
  afterAll(() => Promise.all([lab.stopAll(), capture.dispose()]))
  const udp = (client: Partial<ClientFields>): ClientFields => ({ ...fresh().udp.tabs[0].fields, ...client })
  const tcp = (client: Partial<ClientFields>): ClientFields => ({ ...fresh().tcp.tabs[0].fields, ...client })
  const server = (kind: LabKind, fields: Partial<ServerFields>): LabState => ({ ...fresh()[kind], server: { ...fresh()[kind].server, ...fields } })
  const udpClient = (over: object): EndpointConfig => ({ kind: 'udp-client', address: '127.0.0.1', port: 12000, recvSize: 2048, timeoutMs: 5000, ...over }) as EndpointConfig
  const tcpClient = (over: object): EndpointConfig => ({ kind: 'tcp-client', address: '127.0.0.1', port: 12000, recvSize: 1024, timeoutMs: 60000, ...over }) as EndpointConfig

  // [what the student typed, the fields, the config a window that did not check would have sent, the words]
  const refused: [string, () => { config: EndpointConfig } | { problem: Said }, EndpointConfig, string][] = [
    ['a UDP timeout of 601 s', () => clientConfig('udp', udp({ timeout: '601' }), 'IPv4'), udpClient({ timeoutMs: 601_000 }), 'Timeout must be a number of seconds in 0.1..600'],
    ['a UDP timeout of 0.05 s', () => clientConfig('udp', udp({ timeout: '0.05' }), 'IPv4'), udpClient({ timeoutMs: 50 }), 'Timeout must be a number of seconds in 0.1..600'],
    ['a UDP timeout in words', () => clientConfig('udp', udp({ timeout: 'soon' }), 'IPv4'), udpClient({ timeoutMs: NaN }), 'Timeout must be a number of seconds in 0.1..600'],
    ['client port 80', () => clientConfig('tcp', tcp({ port: '80' }), 'IPv4'), tcpClient({ port: 80 }), 'Port must be an integer in 1024..65535'],
    ['client port 70000', () => clientConfig('udp', udp({ port: '70000' }), 'IPv4'), udpClient({ port: 70000 }), 'Port must be an integer in 1024..65535'],
    ['a receive size of 0', () => clientConfig('tcp', tcp({ recvSize: '0' }), 'IPv4'), tcpClient({ recvSize: 0 }), 'Receive size must be an integer in 1..65536'],
    ['a receive size of 65537', () => clientConfig('udp', udp({ recvSize: '65537' }), 'IPv4'), udpClient({ recvSize: 65537 }), 'Receive size must be an integer in 1..65536'],
    ['an invalid address', () => clientConfig('tcp', tcp({ address: '300.1.1.1' }), 'IPv4'), tcpClient({ address: '300.1.1.1' }), 'invalid address <300.1.1.1>: expected an IPv4 address (127.0.0.1), an IPv6 address (::1) or a host name'],
    ['server port 80', () => serverConfig(server('tcp', { port: '80' })), { kind: 'tcp-server', address: '0.0.0.0', port: 80, recvSize: 1024, concurrent: false, idleTimeoutMs: 30000 }, 'Port must be an integer in 1024..65535'],
    ['a UDP server receive size of 0', () => serverConfig(server('udp', { recvSize: '0' })), { kind: 'udp-server', address: '0.0.0.0', port: 12000, recvSize: 0 }, 'Receive size must be an integer in 1..65536'],
    ['an HTTP server without a folder', () => serverConfig(server('http', { root: ' ' })), { kind: 'http-server', address: '0.0.0.0', port: 8080, root: '' }, 'Choose the folder to serve']
  ]

  it.each(refused)('%s', async (_what, ui, sent, words) => {
    const checked = ui()
    expect('problem' in checked && english(checked.problem)).toBe(words)
    expect(await dispatch(handlers, 'start', [sent])).toEqual({ ok: false, error: words, code: 'EBADCALL', said: { key: 'error:badCall', params: { problem: words } } })
  })

  it('server port 0 is refused in the window, as on the command line, though the host lets tools and tests have any free port', () => {
    for (const kind of ['tcp', 'udp', 'http'] as const) {
      const checked = serverConfig(server(kind, { port: '0' }))
      expect('problem' in checked && english(checked.problem)).toBe('Port must be an integer in 1024..65535')
    }
  })

  it('a refused field is data (a Said), so an Italian window words it in Italian', () => {
    const checked = [clientConfig('udp', udp({ port: '80' }), 'IPv4'), clientConfig('tcp', tcp({ port: '80' }), 'IPv4'), serverConfig(server('tcp', { port: '80' }))]
    for (const c of checked) expect('problem' in c && italian(c.problem)).toBe('La porta deve essere un intero in 1024..65535')
  })

  it('what the window takes, the host takes: a UDP timeout of 120 s, the defaults of every client', async () => {
    for (const checked of [clientConfig('udp', udp({ timeout: '120' }), 'IPv4'), clientConfig('tcp', tcp({}), 'IPv4'), clientConfig('http', fresh().http.tabs[0].fields, 'IPv6')]) {
      expect('config' in checked).toBe(true)
      if (!('config' in checked)) continue
      expect(await dispatch(handlers, 'start', [checked.config])).toMatchObject({ ok: true, value: { config: checked.config } })
    }
  })
})

describe('the IPv4/IPv6 toggle and a running server', () => {
  const running = (address: string, family: 'IPv4' | 'IPv6'): LabState => ({ ...initialLab('udp', 'IPv4', info), server: { ...initialLab('udp', 'IPv4', info).server, address }, run: { id: 'udp-server-1', local: { address, port: 12000, family } } })

  it("leaves a running server's fields as it runs, while the clients follow the toggle", () => {
    const lab = withFamily(running('0.0.0.0', 'IPv4'), 'IPv6')
    expect(lab.server.address).toBe('0.0.0.0')
    expect(lab.tabs[0].fields.address).toBe('::1')
    expect(withFamily({ ...running('0.0.0.0', 'IPv4'), run: undefined }, 'IPv6').server.address).toBe('::')
  })

  it('says when clients of the toggle cannot reach the server: IPv4 takes no IPv6 client; IPv6 takes IPv4 ones only as the dual-stack ::', () => {
    expect(familyMismatch(running('0.0.0.0', 'IPv4'), 'IPv6')).toBe('The server runs over IPv4, so IPv6 clients cannot reach it: stop it and start it again for IPv6.')
    expect(familyMismatch(running('::1', 'IPv6'), 'IPv4')).toBe('The server runs over IPv6, so IPv4 clients cannot reach it: stop it and start it again for IPv4.')
    expect(italian(familyMismatchSaid(running('::1', 'IPv6'), 'IPv4')!)).toBe('Il server usa IPv6, quindi i client IPv4 non possono raggiungerlo: fermalo e avvialo di nuovo per IPv4.')
    expect(familyMismatch(running('::', 'IPv6'), 'IPv4')).toBeUndefined()
    expect(familyMismatch(running('0.0.0.0', 'IPv4'), 'IPv4')).toBeUndefined()
    expect(familyMismatch(initialLab('udp', 'IPv4', info), 'IPv6')).toBeUndefined()
  })
})

describe('clientStatus', () => {
  const tabIn = (phase: 'idle' | 'closed') => ({ key: 'k', label: 'Client 1', phase, fields: initialLab('udp', 'IPv4', info).tabs[0].fields })
  it('speaks of a connection for TCP and HTTP, and of a socket for UDP, which has none', () => {
    expect(clientStatus('tcp', tabIn('idle'))).toBe('not connected')
    expect(clientStatus('http', tabIn('closed'))).toBe('closed: not connected')
    expect(clientStatus('udp', tabIn('idle'))).toBe('ready to send')
    expect(clientStatus('udp', tabIn('closed'))).toBe('closed: its socket is closed')
  })
})

describe('signatureOf', () => {
  it('does not depend on the order of keys', () => {
    expect(signatureOf({ kind: 'tcp-client', address: '::1', port: 1, recvSize: 2, timeoutMs: 1 })).toBe(signatureOf({ timeoutMs: 1, recvSize: 2, port: 1, address: '::1', kind: 'tcp-client' }))
    expect(signatureOf({ kind: 'tcp-client', address: '::1', port: 1, recvSize: 2, timeoutMs: 1 })).not.toBe(signatureOf({ kind: 'tcp-client', address: '::1', port: 2, recvSize: 2, timeoutMs: 1 }))
  })
})

describe('clampLogSize', () => {
  it('keeps the packet log between its smallest and largest share, in whole percent', () => {
    expect(clampLogSize(0)).toBe(LOG_SIZE_MIN)
    expect(clampLogSize(5)).toBe(LOG_SIZE_MAX)
    expect(clampLogSize(0.4234)).toBe(0.42)
  })
})
