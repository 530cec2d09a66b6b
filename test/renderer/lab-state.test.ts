// The renderer's lab state: what a reloaded window rebuilds from the endpoints the host still runs.

import { describe, expect, it } from 'vitest'
import type { EndpointInfo, HostInfo } from '../../src/shared/contract'
import { clientConfig, initialLab, restoreLabs, serverConfig, signatureOf, type LabKind, type LabState } from '../../src/renderer/src/lab-state'
import { clampLogSize, LOG_SIZE_MAX, LOG_SIZE_MIN } from '../../src/renderer/src/zoom'

const info: HostInfo = { host: 'browser', version: '0.1.0', sampleSite: '/app/sample-site', ipv6: true, canChooseFolder: false, session: 'test' }
const fresh = (): Record<LabKind, LabState> => ({ tcp: initialLab('tcp', 'IPv4', info), udp: initialLab('udp', 'IPv4', info), http: initialLab('http', 'IPv4', info) })

describe('restoreLabs', () => {
  it('shows a running server as started, with the client following its port, and a tab per running client', () => {
    const running: EndpointInfo[] = [
      { id: 'tcp-client-3', config: { kind: 'tcp-client', address: '127.0.0.1', port: 40000, recvSize: 1024 } },
      { id: 'tcp-server-1', config: { kind: 'tcp-server', address: '0.0.0.0', port: 40000, recvSize: 512, concurrent: true, idleTimeoutMs: 30000 }, local: { address: '0.0.0.0', port: 40000, family: 'IPv4' } },
      { id: 'tcp-client-4', config: { kind: 'tcp-client', address: '127.0.0.1', port: 40000, recvSize: 1024 } }
    ]
    const { labs, family, routes } = restoreLabs(fresh(), running, 'IPv4')
    expect(family).toBe('IPv4')
    expect(labs.tcp.run).toEqual({ id: 'tcp-server-1', local: running[1].local })
    expect(labs.tcp.server).toMatchObject({ port: '40000', recvSize: '512', concurrent: true, addressEdited: false })
    expect(labs.tcp.client).toMatchObject({ port: '40000', portEdited: false })
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
    const again = clientConfig(labs.tcp, family)
    expect('config' in again && signatureOf(again.config)).toBe(labs.tcp.tabs[0].signature)
    expect(labs.udp).toEqual(fresh().udp)
  })

  it('follows an IPv6 server into the IPv6 family, and keeps an HTTP server\'s folder', () => {
    const running: EndpointInfo[] = [{ id: 'http-server-2', config: { kind: 'http-server', address: '::', port: 8081, root: '/srv/site' }, local: { address: '::', port: 8081, family: 'IPv6' } }]
    const { labs, family } = restoreLabs(fresh(), running, 'IPv4')
    expect(family).toBe('IPv6')
    expect(labs.http.server).toMatchObject({ address: '::', addressEdited: false, root: '/srv/site', port: '8081' })
    expect(labs.http.client.url).toBe('http://[::1]:8081/')
    expect(labs.tcp.server.address).toBe('::')
    expect(labs.tcp.client.address).toBe('::1')
    const checked = serverConfig(labs.http)
    expect('config' in checked && checked.config).toEqual(running[0].config)
  })

  it('changes nothing when the host runs nothing', () => {
    expect(restoreLabs(fresh(), [], 'IPv4')).toEqual({ labs: fresh(), family: 'IPv4', routes: [] })
  })
})

describe('signatureOf', () => {
  it('does not depend on the order of keys', () => {
    expect(signatureOf({ kind: 'tcp-client', address: '::1', port: 1, recvSize: 2 })).toBe(signatureOf({ recvSize: 2, port: 1, address: '::1', kind: 'tcp-client' }))
    expect(signatureOf({ kind: 'tcp-client', address: '::1', port: 1, recvSize: 2 })).not.toBe(signatureOf({ kind: 'tcp-client', address: '::1', port: 2, recvSize: 2 }))
  })
})

describe('clampLogSize', () => {
  it('keeps the packet log between its smallest and largest share, in whole percent', () => {
    expect(clampLogSize(0)).toBe(LOG_SIZE_MIN)
    expect(clampLogSize(5)).toBe(LOG_SIZE_MAX)
    expect(clampLogSize(0.4234)).toBe(0.42)
  })
})
