// Roles are data (ROLES in shared/endpoint-kinds.ts): console keys, names, the log's order, the
// ports a capture covers and the wire's state of an endpoint follow the table, so that a kind of
// a third role (a relay) is a row, not a branch in each of them.

import { describe, expect, it } from 'vitest'
import type { LabEvent, Role } from '../src/shared/events'
import { byRole, kindIn, LAB_KINDS, ROLE_NAMES, ROLES } from '../src/shared/endpoint-kinds'
import { CONSOLE_KEY, consoleKey, parseConsoleKey } from '../src/shared/console-keys'
import { decodeEvents, encodeEvents } from '../src/shared/feed'
import { fullName, nameOf } from '../src/renderer/src/lab/endpoint-names'
import { LABS } from '../src/renderer/src/lab/lab-state'
import { filterEntries } from '../src/renderer/src/log/log-endpoints'
import { socketActivity } from '../src/renderer/src/wire/socket-activity'
import { portsOfEvent } from '../src/session/lab-capture'
import { english, italian } from './helpers/words'

const addr = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
let seq = 0
const ev = (e: Partial<LabEvent> & Pick<LabEvent, 'kind' | 'role'>): LabEvent => ({ seq: ++seq, time: seq, endpoint: 'udp-server-1', proto: 'TCP', conn: 0, length: 0, detail: {}, ...e }) as LabEvent

describe('the table of roles', () => {
  it('states every role, and the window lists the labs of the table of labs in its order', () => {
    expect(ROLE_NAMES.sort()).toEqual(['client', 'relay', 'server'])
    expect(LABS.map((l) => l.kind)).toEqual(LAB_KINDS)
    expect(byRole('relay', { client: 1, server: 2, relay: 3 })).toBe(3)
  })

  it('names a console for each role a lab has a kind of, one per lab or one per tab, and none for the others', () => {
    for (const lab of LAB_KINDS) {
      for (const role of ROLE_NAMES) {
        const key = consoleKey(lab, role, 4)
        expect(key).toBe(ROLES[role].numbered ? `${lab}:${role}:4` : `${lab}:${role}`)
        // The key is well formed for every role; it names a console only where the lab has a kind of that role.
        expect(CONSOLE_KEY.test(key)).toBe(true)
        const place = parseConsoleKey(key)
        if (kindIn(lab, role)) expect(place).toEqual({ lab, role, proto: expect.any(String), ...(ROLES[role].numbered ? { n: 4 } : {}) })
        else expect(place).toBeUndefined()
      }
    }
    expect(parseConsoleKey('tcp:relay:1')).toBeUndefined()
    expect(parseConsoleKey('tcp:client')).toBeUndefined()
  })

  it('a relay has its own name, with its lab where several labs share a list, in English and Italian', () => {
    expect(nameOf('udp:relay').label).toBe('Relay')
    expect(english(nameOf('udp:relay').said)).toBe('Relay')
    expect(english(fullName('udp:relay'))).toBe('UDP Relay')
    expect(italian(fullName('udp:relay'))).toBe('Relay UDP')
    expect(english(fullName('tcp:client:2'))).toBe('TCP Client 2')
    expect(english(fullName('http:server'))).toBe('HTTP Server')
  })

  it("the log's endpoint filter lists a lab's server, then its relay, then its clients by number", () => {
    const keys: Record<string, string> = { a: 'udp:client:2', b: 'udp:relay', c: 'tcp:client:1', d: 'udp:server', e: 'udp:client:10' }
    const listed = filterEntries(Object.keys(keys), (id) => keys[id], [], 'all').map((e) => e.key)
    expect(listed).toEqual(['tcp:client:1', 'udp:server', 'udp:relay', 'udp:client:2', 'udp:client:10'])
  })

  it('the capture covers the port a relay listens on and the port it forwards to, as a server and a client', () => {
    const target = { host: '127.0.0.1', port: 12000 }
    const listening = { what: 'listening', proto: 'udp', target, seed: 1, c2s: {}, s2c: {} }
    expect(portsOfEvent(ev({ role: 'relay', kind: 'relay', local: addr(9000), remote: addr(12000), detail: listening } as never))).toEqual([9000, 12000])
    // Its sends back to a client's own port need no capture of their own.
    expect(portsOfEvent(ev({ role: 'relay', kind: 'send', proto: 'UDP', local: addr(9000), remote: addr(50000) }))).toEqual([])
    expect(portsOfEvent(ev({ role: 'client', kind: 'send', proto: 'UDP', local: addr(50001), remote: addr(12000) }))).toEqual([12000])
    expect(portsOfEvent(ev({ role: 'server', kind: 'send', proto: 'UDP', local: addr(12000), remote: addr(50001) }))).toEqual([])
  })

  it("a relay's socket state is a listener's: it listens, then serves the connection it accepted", () => {
    const relay = (e: Partial<LabEvent> & Pick<LabEvent, 'kind'>): LabEvent => ev({ role: 'relay', endpoint: 'tcp-relay-1', ...e })
    const activity = socketActivity([
      relay({ kind: 'listen', local: addr(9000) }),
      relay({ kind: 'accept', conn: 1, local: addr(9000), remote: addr(50000) }),
      relay({ kind: 'connect', conn: 1, local: addr(50002), remote: addr(12000) })
    ]).get('tcp-relay-1')!
    expect(activity.role).toBe('relay')
    expect(activity.connections.map((c) => c.conn)).toEqual([1])
    expect(english(activity.now)).toContain('127.0.0.1:50000')
  })

  it("the event feed carries a relay's events (and still refuses a role no table has)", () => {
    const e = ev({ role: 'relay', kind: 'close', endpoint: 'tcp-relay-1', detail: { reason: 'ended', closedBy: 'client' } } as Partial<LabEvent> & Pick<LabEvent, 'kind' | 'role'>)
    expect(decodeEvents(encodeEvents([e])).map((d) => d.role)).toEqual(['relay'])
    const bad = encodeEvents([{ ...e, role: 'proxy' as Role }])
    expect(() => decodeEvents(bad)).toThrow(/no valid role/)
  })
})
