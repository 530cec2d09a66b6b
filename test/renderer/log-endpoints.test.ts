// The packet log's Endpoint filter: every endpoint with rows in the log, running or ended, by its
// full name; an endpoint whose rows are all gone (cleared, or dropped from a full store) leaves.

import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/events'
import { nameOf } from '../../src/renderer/src/lab/endpoint-names'
import { EventStore } from '../../src/renderer/src/feed/event-store'
import { EndpointsInLog, filterEntries } from '../../src/renderer/src/log/log-endpoints'
import { english } from '../helpers/words'

let seq = 0
const ev = (endpoint: string): LabEvent =>
  ({ seq: ++seq, time: seq, endpoint, role: 'client', proto: 'TCP', kind: 'send', conn: 1, length: 1, info: 'wrote 1 byte', detail: { what: 'bytes' } }) as LabEvent
const now = (run: () => void): void => run()
const keys: Record<string, string> = { 'tcp-server-1': 'tcp:server', 'tcp-client-1': 'tcp:client:1', 'tcp-client-2': 'tcp:client:2', 'tcp-client-3': 'tcp:client:3', 'udp-server-1': 'udp:server', 'udp-client-1': 'udp:client:1', 'tcp-client-1b': 'tcp:client:1' }
const keyOf = (id: string): string | undefined => keys[id]
const labels = (ids: string[], running: string[], chosen = 'all'): string[] => filterEntries(ids, keyOf, running.map(nameOf), chosen).map((e) => english(e.said))

describe('EndpointsInLog', () => {
  it('lists the endpoints that have events in the store, ended ones too, until their events are gone', () => {
    const store = new EventStore(100, now)
    const inLog = new EndpointsInLog(store)
    store.add([ev('tcp-server-1'), ev('tcp-client-1'), ev('tcp-client-2')])
    expect(inLog.ids()).toEqual(['tcp-server-1', 'tcp-client-1', 'tcp-client-2'])
    store.clear()
    expect(inLog.ids()).toEqual([])
    store.add([ev('tcp-client-3')])
    expect(inLog.ids()).toEqual(['tcp-client-3'])
  })

  it('lets go of an endpoint whose events a full store dropped', () => {
    const store = new EventStore(20, now)
    const inLog = new EndpointsInLog(store)
    store.add([ev('tcp-client-1')])
    expect(inLog.ids()).toEqual(['tcp-client-1'])
    store.add(Array.from({ length: 30 }, () => ev('tcp-client-2')))
    expect(inLog.ids()).toEqual(['tcp-client-2'])
  })
})

describe('filterEntries', () => {
  it('names each entry with its lab and marks the ended ones, in the labs’ order', () => {
    const ids = ['udp-client-1', 'tcp-client-2', 'tcp-server-1', 'udp-server-1', 'tcp-client-1', 'tcp-client-3']
    expect(labels(ids, ['tcp:client:1', 'tcp:client:3', 'udp:server', 'udp:client:1'])).toEqual([
      'TCP Server (ended)',
      'TCP Client 1',
      'TCP Client 2 (ended)',
      'TCP Client 3',
      'UDP Server',
      'UDP Client 1'
    ])
  })

  it('keeps one entry per console key (a tab’s endpoints), skips ids not routed yet, and keeps the chosen one listed', () => {
    expect(labels(['tcp-client-1', 'tcp-client-1b', 'unknown'], ['tcp:client:1'])).toEqual(['TCP Client 1'])
    expect(labels([], [], 'tcp:client:2')).toEqual(['TCP Client 2 (ended)'])
    expect(filterEntries([], keyOf, [], 'all')).toEqual([])
  })
})
