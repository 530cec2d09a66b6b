// Words the window uses: endpoint names as the tabs say them, and who can reach a server.

import { describe, expect, it } from 'vitest'
import type { HostInfo } from '../../src/shared/contract'
import { fullName, liveEndpoints, nameOf } from '../../src/renderer/src/lab/endpoint-names'
import { initialLab, type LabKind, type LabState } from '../../src/renderer/src/lab/lab-state'
import { reachOf } from '../../src/renderer/src/lab/reach'
import { english, italian, itT } from '../helpers/words'

const info: HostInfo = { host: 'browser', version: '0.1.0', sampleSite: '/app/sample-site', ipv6: true, canChooseFolder: false, session: 'test' }

describe('endpoint names', () => {
  it('names console keys as the panels and tabs do', () => {
    expect(nameOf('tcp:server')).toEqual({ key: 'tcp:server', lab: 'tcp', label: 'Server', said: { key: 'lab:names.server' } })
    expect(nameOf('udp:client:2').label).toBe('Client 2')
    expect(english(nameOf('udp:client:2').said)).toBe('Client 2')
    expect(english(fullName('http:client:1'))).toBe('HTTP Client 1')
    // Italian puts the lab after the name, as it says "il client TCP".
    expect(italian(fullName('http:client:1'))).toBe('Client 1 HTTP')
    expect(italian(fullName('tcp:server'))).toBe('Server TCP')
  })

  it('lists only what runs: a started server and the tabs that have an endpoint', () => {
    const labs = { tcp: initialLab('tcp', 'IPv4', info), udp: initialLab('udp', 'IPv4', info), http: initialLab('http', 'IPv4', info), ping: initialLab('ping', 'IPv4', info) } as Record<LabKind, LabState>
    expect(liveEndpoints(labs)).toEqual([])
    labs.tcp = { ...labs.tcp, run: { id: 'tcp-server-3' }, tabs: [{ ...labs.tcp.tabs[0], endpointId: 'tcp-client-7' }] }
    expect(liveEndpoints(labs).map((n) => n.key)).toEqual(['tcp:server', 'tcp:client:1'])
  })
})

describe('reachOf', () => {
  it.each([
    ['0.0.0.0', 'network'],
    ['::', 'network'],
    ['127.0.0.1', 'machine'],
    ['127.0.1.1', 'machine'],
    ['::1', 'machine'],
    ['localhost', 'machine'],
    ['192.168.1.5', 'address']
  ])('%s → %s', (address, kind) => {
    expect(reachOf(address).kind).toBe(kind)
  })

  it('explains dual stack for ::', () => {
    expect(english(reachOf('::').long)).toMatch(/::ffff:/)
    expect(english(reachOf('0.0.0.0').long)).not.toMatch(/::ffff:/)
    expect(english(reachOf('0.0.0.0').long)).toMatch(/Bind to 127\.0\.0\.1 /)
    expect(italian(reachOf('::').long)).toMatch(/dual stack.*::ffff:a\.b\.c\.d.*Associalo a ::1 /)
    expect(italian(reachOf('192.168.1.5').short)).toBe('raggiungibile su 192.168.1.5')
  })

  it('a UDP server takes datagrams, not connections: its badge and tooltip never say connect', () => {
    for (const address of ['0.0.0.0', '::', '127.0.0.1', '::1', '192.168.1.5']) {
      const r = reachOf(address, true)
      for (const words of [english(r.short), english(r.long)]) expect(words).not.toMatch(/connect/i)
      for (const words of [italian(r.short), italian(r.long)]) expect(words).not.toMatch(/connett/i)
    }
    expect(italian(reachOf('0.0.0.0', true).short)).toBe('altre macchine possono inviargli datagrammi')
    expect(english(reachOf('0.0.0.0', true).short)).toBe('other machines can send it datagrams')
    expect(italian(reachOf('0.0.0.0').short)).toBe('altri PC possono connettersi')
  })

  it('Italian says one verb for bind: the UDP header and the BIND row both say "associato a"', () => {
    expect(itT('lab:server.boundTo', { address: '0.0.0.0:12000' })).toBe('associato a 0.0.0.0:12000')
    expect(itT('event:bind', { where: '(0.0.0.0, 12000)', recvSize: 2048 })).toMatch(/^associato a \(0\.0\.0\.0, 12000\)/)
    for (const key of ['lab:reach.networkLong', 'lab:reach.machineLong', 'lab:reach.addressLong'] as const) expect(itT(key, { address: 'x', dual: '', loopback: 'y' })).not.toMatch(/legat|lega /i)
  })
})
