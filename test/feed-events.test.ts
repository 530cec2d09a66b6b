// The events feed's encoding (shared/feed.ts): a batch sends each repeated value once, the window
// gets back the same events, shares one copy of each value, and refuses a batch it cannot read.

import dgram from 'node:dgram'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LabEvent } from '../src/shared/events'
import { decodeEvents, encodeEvents, FeedMessageError, FeedListeners, type EventsMessage } from '../src/shared/feed'
import { Lab } from '../src/engine/lab'
import { freePort } from './helpers/processes'

/** Through the wire and back, as a window reads it. */
const roundTrip = (events: LabEvent[]): LabEvent[] => decodeEvents(JSON.parse(JSON.stringify(encodeEvents(events))) as EventsMessage)

let lab: Lab | undefined
afterEach(async () => {
  await lab?.stopAll()
  lab = undefined
})

/** Real events: a UDP server on loopback answering `count` datagrams from one client. */
async function udpEvents(count: number): Promise<LabEvent[]> {
  lab = new Lab()
  const events: LabEvent[] = []
  lab.on('event', (e: LabEvent) => events.push(e))
  const port = await freePort()
  await lab.start({ kind: 'udp-server', address: '0.0.0.0', port, recvSize: 2048 })
  const client = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve))
  for (let i = 0; i < count; i++) {
    client.send(`hello ${i}`, port, '127.0.0.1')
    await new Promise((resolve) => client.once('message', resolve))
  }
  client.close()
  return events
}

describe('the events feed encoding', () => {
  it('gives back every event as the engine made it, and sends each repeated value once', async () => {
    const events = await udpEvents(20)
    expect(events.filter((e) => e.kind === 'recv')).toHaveLength(20)
    const plain = JSON.parse(JSON.stringify(events)) as LabEvent[]
    expect(roundTrip(events)).toEqual(plain)

    const encoded = encodeEvents(events)
    // One server, one client address, the same words: the table holds each once, not once per event.
    const infos = encoded.shared.filter((v) => typeof v === 'string' && v.startsWith('Received request from'))
    expect(infos).toHaveLength(1)
    expect(JSON.stringify(encoded).length).toBeLessThan(0.7 * JSON.stringify({ events }).length)
  })

  it('lets the events of a batch share one copy of each value', async () => {
    const decoded = roundTrip(await udpEvents(3))
    const recvs = decoded.filter((e) => e.kind === 'recv')
    expect(recvs[0].local).toBe(recvs[2].local)
    expect(recvs[0].detail).toBe(recvs[2].detail)
    expect(recvs[0].info).toBe(recvs[2].info)
  })

  it('keeps apart values that only look alike (an address vs the same words, absent fields)', () => {
    const base = { seq: 1, time: 0, endpoint: 'udp-client-1', role: 'client', proto: 'UDP', conn: 0, length: 0 } as const
    const events: LabEvent[] = [
      { ...base, kind: 'console', info: '{}', detail: {} },
      { ...base, seq: 2, kind: 'console', info: 'udp-client-1', detail: { window: { console: 'udp:client', style: 'note' } } },
      { ...base, seq: 3, kind: 'error', info: 'refused', detail: { code: 'ECONNREFUSED' }, code: 'ECONNREFUSED', local: { address: '::1', port: 1, family: 'IPv6' } }
    ]
    const back = roundTrip(events)
    expect(back).toEqual(events)
    expect('remote' in back[2]).toBe(false)
    expect('local' in back[0]).toBe(false)
  })

  it.each<[string, (m: { events: Record<string, unknown>[]; shared: unknown[] }, withAddress: Record<string, unknown>) => unknown]>([
    ['an index past the table', (m) => (m.events[0].info = m.shared.length)],
    ['a negative index', (m) => (m.events[0].detail = -1)],
    ['an index that is not a whole number', (m) => (m.events[0].endpoint = 0.5)],
    ['the words sent in place of an index', (m) => (m.events[0].info = 'hello')],
    ['an index to a value of the wrong kind', (m) => (m.events[0].info = m.events[0].detail)],
    ['an address that is not one', (m, e) => (m.shared[e.local as number] = { address: '127.0.0.1', port: '12000', family: 'IPv4' })],
    ['no table', (m) => delete (m as { shared?: unknown }).shared],
    ['an event that is not an object', (m) => (m.events[0] = 7 as unknown as Record<string, unknown>)]
  ])('refuses a batch with %s', async (_, spoil) => {
    const message = JSON.parse(JSON.stringify(encodeEvents(await udpEvents(1)))) as { events: Record<string, unknown>[]; shared: unknown[] }
    const withAddress = message.events.find((e) => e.local !== undefined)!
    expect(withAddress.local).toBeTypeOf('number')
    spoil(message, withAddress)
    expect(() => decodeEvents(message as unknown as EventsMessage)).toThrow(FeedMessageError)
  })

  it('a window leaves out a batch it cannot read, says so in one line, and reads the next', async () => {
    const events = await udpEvents(1)
    const got: LabEvent[][] = []
    const feeds = new FeedListeners(() => {})
    feeds.onEvents((batch) => got.push(batch))
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const bad = JSON.parse(JSON.stringify(encodeEvents(events))) as EventsMessage
    bad.events[0].info = 99
    feeds.deliver(bad)
    expect(got).toHaveLength(0)
    expect(error).toHaveBeenCalledOnce()
    expect(String(error.mock.calls[0][0])).toMatch(/^socklab: a batch of events from the host was left out: event \d+ names no valid info \(99\)$/)
    error.mockRestore()
    feeds.deliver(JSON.parse(JSON.stringify(encodeEvents(events))) as EventsMessage)
    expect(got).toEqual([JSON.parse(JSON.stringify(events))])
  })
})
