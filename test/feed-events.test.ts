// The events feed's encoding (shared/feed.ts): a batch sends each repeated value once, the window
// gets back the same events, shares one copy of each value, and refuses a batch it cannot read.

import dgram from 'node:dgram'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LabEvent } from '../src/shared/events'
import { decodeEvents, decodePackets, encodeEvents, FeedMessageError, FeedListeners, type EventsMessage, type FeedMessage, type PacketsMessage } from '../src/shared/feed'
import type { WirePacket } from '../src/shared/wire'
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
      { ...base, seq: 3, kind: 'error', detail: { code: 'ECONNREFUSED', said: { key: 'error:refused', params: { at: '(::1, 1)' } } }, code: 'ECONNREFUSED', local: { address: '::1', port: 1, family: 'IPv6' } }
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
    ['an event without its kind', (m) => delete m.events[0].kind],
    ['an event of a kind no lab has', (m) => (m.events[0].kind = 'teleport')],
    ['an event without its time', (m) => delete m.events[0].time],
    ['an event whose time is not a number', (m) => (m.events[0].time = '12')],
    ['an event without its seq', (m) => delete m.events[0].seq],
    ['an event with a negative length', (m) => (m.events[0].length = -1)],
    ['an event of no role', (m) => (m.events[0].role = 'proxy')],
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

  it.each<[string, unknown]>([
    ['a message that is not an object', null],
    ['a message of no feed', { hello: 1 }],
    ['a batch of events without its list', { events: null, shared: [] }],
    ['a skip notice that counts nothing', { skipped: null }]
  ])('a window leaves out %s with one line, and reads the next batch', async (_, bad) => {
    const events = await udpEvents(1)
    const got: LabEvent[][] = []
    const feeds = new FeedListeners(() => {})
    feeds.onEvents((batch) => got.push(batch))
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => feeds.deliver(bad as FeedMessage)).not.toThrow()
    expect(error).toHaveBeenCalledOnce()
    expect(String(error.mock.calls[0][0])).toMatch(/^socklab: a (message|batch of events|skip notice) from the host was left out: .+$/)
    error.mockRestore()
    feeds.deliver(JSON.parse(JSON.stringify(encodeEvents(events))) as EventsMessage)
    expect(got).toHaveLength(1)
  })
})

describe('the packets feed', () => {
  const packet = (no: number): WirePacket => ({
    no,
    time: 1_700_000_000_000_000 + no,
    proto: 'TCP',
    family: 'IPv4',
    src: { address: '127.0.0.1', port: 40000, family: 'IPv4' },
    dst: { address: '127.0.0.1', port: 12000, family: 'IPv4' },
    conversation: 'TCP 0',
    flags: ['SYN'],
    seq: 0,
    window: 65495,
    length: 0,
    sender: 'client',
    step: 'handshake-1'
  })
  const through = (m: PacketsMessage): PacketsMessage => JSON.parse(JSON.stringify(m)) as PacketsMessage

  it('gives back a batch as the host sent it, with the count skipped before it', () => {
    const batch = [packet(1), { ...packet(2), flags: ['SYN', 'ACK'], step: 'handshake-2', sender: 'server' } as WirePacket]
    expect(decodePackets(through({ packets: batch, packetsSkipped: 3 }))).toEqual({ packets: batch, skipped: 3 })
    expect(decodePackets(through({ packets: [] }))).toEqual({ packets: [], skipped: 0 })
  })

  it.each<[string, (p: Record<string, unknown>, m: Record<string, unknown>) => unknown]>([
    ['no list (packets: null)', (_, m) => (m.packets = null)],
    ['a list that is an object', (_, m) => (m.packets = { 0: packet(1) })],
    ['a packet that is not an object', (_, m) => ((m.packets as unknown[])[0] = 'SYN')],
    ['a packet without its number', (p) => delete p.no],
    ['a packet numbered 0', (p) => (p.no = 0)],
    ['a packet without its time', (p) => delete p.time],
    ['a packet of another protocol', (p) => (p.proto = 'SCTP')],
    ['a packet without its source', (p) => delete p.src],
    ['a destination whose port is text', (p) => (p.dst = { address: '127.0.0.1', port: '12000', family: 'IPv4' })],
    ['a packet of no conversation', (p) => delete p.conversation],
    ['flags that are not a list', (p) => (p.flags = 'SYN')],
    ['a flag TCP does not have', (p) => (p.flags = ['SYN', 'XMAS'])],
    ['a length that is negative', (p) => (p.length = -4)],
    ['a seq that is text', (p) => (p.seq = '0')],
    ['a step no connection has', (p) => (p.step = 'handshake-4')],
    ['a sender that is neither side', (p) => (p.sender = 'relay')],
    ['a count of skipped packets that is not one', (_, m) => (m.packetsSkipped = -1)]
  ])('refuses a batch with %s', (_, spoil) => {
    const m = through({ packets: [packet(1), packet(2)] }) as unknown as Record<string, unknown>
    spoil((m.packets as Record<string, unknown>[])[1], m)
    expect(() => decodePackets(m as unknown as PacketsMessage)).toThrow(FeedMessageError)
  })

  it('a window leaves out a bad batch with one line, keeps running, and reads the next', () => {
    const got: WirePacket[][] = []
    const feeds = new FeedListeners(() => {})
    feeds.onPackets((batch) => got.push(batch))
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => feeds.deliver({ packets: null } as unknown as FeedMessage)).not.toThrow()
    expect(() => feeds.deliver({ packets: [{ ...packet(1), time: undefined }] } as unknown as FeedMessage)).not.toThrow()
    expect(got).toHaveLength(0)
    expect(error.mock.calls.map((c) => String(c[0]))).toEqual([
      'socklab: a batch of packets from the host was left out: a batch of packets came without its list (null)',
      'socklab: a batch of packets from the host was left out: packet 1 has no valid time (undefined)'
    ])
    error.mockRestore()
    feeds.deliver(through({ packets: [packet(1)] }))
    expect(got).toEqual([[packet(1)]])
  })
})
