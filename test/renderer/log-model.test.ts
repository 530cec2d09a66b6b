// The renderer's pure parts: the bounded store, the incremental log view, hex dumps, CSV.

import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/events'
import { EventStore } from '../../src/renderer/src/feed/event-store'
import { csvCell, toCsv } from '../../src/renderer/src/log/export'
import { hexDump } from '../../src/renderer/src/log/hex-dump'
import { LogView, NO_FILTER } from '../../src/renderer/src/log/log-view'
import { words } from '../helpers/words'

let seq = 0
const ev = (over: Partial<LabEvent> = {}): LabEvent => ({
  seq: ++seq,
  time: seq * 10,
  endpoint: 'tcp-client-1',
  role: 'client',
  proto: 'TCP',
  kind: 'send',
  conn: 1,
  local: { address: '127.0.0.1', port: 40000, family: 'IPv4' },
  remote: { address: '127.0.0.1', port: 12000, family: 'IPv4' },
  length: 11,
  detail: { what: 'bytes' },
  ...over
}) as LabEvent
const now = (run: () => void): void => run()

describe('EventStore', () => {
  it('keeps at most its capacity, dropping the oldest, and counts everything', () => {
    const store = new EventStore(1000, now)
    for (let i = 0; i < 25; i++) store.add(Array.from({ length: 100 }, () => ev()))
    expect(store.all().length).toBeLessThanOrEqual(1000)
    expect(store.stats.received).toBe(2500)
    expect(store.stats.rendered).toBe(store.all().length)
    expect(store.stats.dropped + store.all().length).toBe(2500)
    expect(store.all().at(-1)!.seq).toBe(store.stats.lastSeq)
    const seqs = store.all().map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })

  it('takes each event once: a batch overlapping what it holds adds only the new ones', () => {
    const store = new EventStore(100, now)
    const [a, b, c, d] = [ev(), ev(), ev(), ev()]
    expect(store.add([a, b, c])).toEqual([a, b, c])
    // The history reply and a live batch made just before it can carry the same events.
    expect(store.add([b, c, d])).toEqual([d])
    expect(store.add([a, b])).toEqual([])
    expect(store.all().map((e) => e.seq)).toEqual([a.seq, b.seq, c.seq, d.seq])
    expect(store.stats).toMatchObject({ received: 4, rendered: 4, lastSeq: d.seq })
  })

  it('clears for good without calling it a drop, and keeps later events', () => {
    const store = new EventStore(100, now)
    const [a, b] = [ev(), ev()]
    expect(store.add([a, b])).toEqual([a, b])
    store.clear()
    expect(store.all()).toEqual([])
    expect(store.stats).toMatchObject({ dropped: 0, clearedThrough: b.seq })
    // A reload replays the host's history: the cleared events are new to the consoles, not to the log.
    const fresh = new EventStore(100, now)
    fresh.clear(b.seq)
    const c = ev()
    expect(fresh.add([a, b, c])).toEqual([a, b, c])
    expect(fresh.all()).toEqual([c])
  })

  it('tells subscribers once per scheduled frame, not once per batch', () => {
    const frames: (() => void)[] = []
    const store = new EventStore(100, (run) => frames.push(run))
    let told = 0
    store.subscribe(() => told++)
    store.add([ev()])
    store.add([ev()])
    expect(frames.length).toBe(1)
    frames[0]()
    expect(told).toBe(1)
  })
})

describe('LogView', () => {
  it('appends new matching events, hides console lines unless asked, trims what the store dropped', () => {
    const store = new EventStore(100, now)
    const view = new LogView(store)
    store.add([ev(), ev({ kind: 'console', info: 'Connected', detail: {} }), ev({ proto: 'UDP' })])
    view.update()
    expect(view.rows.map((e) => e.kind)).toEqual(['send', 'send'])
    view.setFilter({ ...NO_FILTER, proto: 'UDP' })
    expect(view.rows.length).toBe(1)
    store.add([ev({ proto: 'UDP' }), ev()])
    view.update()
    expect(view.rows.length).toBe(2)
    for (let i = 0; i < 200; i++) store.add([ev({ proto: 'UDP' })])
    view.update()
    expect(view.rows[0].seq).toBeGreaterThanOrEqual(store.firstSeq())
    expect(view.rows.length).toBe(store.all().filter((e) => e.proto === 'UDP').length)
  })

  it('finds text in the payload too, and filters by the console an endpoint belongs to', () => {
    const store = new EventStore(100, now)
    const keys: Record<string, string> = { 'tcp-client-1': 'tcp:client:1', 'tcp-client-2': 'tcp:client:1', 'tcp-server-1': 'tcp:server' }
    const view = new LogView(store, { ...NO_FILTER, text: 'Needle' }, (id) => keys[id])
    store.add([ev({ preview: btoa('a needle here') }), ev({ preview: btoa('hay') }), ev({ endpoint: 'tcp-client-2', preview: btoa('NEEDLE') })])
    view.update()
    expect(view.rows.length).toBe(2)
    view.setFilter({ ...NO_FILTER, endpoint: 'tcp:client:1' })
    expect(view.rows.length).toBe(3)
    view.setFilter({ ...NO_FILTER, endpoint: 'tcp:server' })
    expect(view.rows.length).toBe(0)
  })

  it('finds text in info and addresses', () => {
    const store = new EventStore(100, now)
    const view = new LogView(store, { ...NO_FILTER, text: '12000' })
    store.add([ev(), ev({ remote: undefined, local: undefined })])
    view.update()
    expect(view.rows.length).toBe(1)
  })

  it("searches the words the log shows, in the window's language, and again when it switches", () => {
    const store = new EventStore(100, now)
    const view = new LogView(store, { ...NO_FILTER, text: 'scritti 11 byte' })
    store.add([ev(), ev({ kind: 'recv', detail: { what: 'stream', recvSize: 1024, leftover: 0, eof: false, waiting: 0 } })])
    view.update()
    // Events carry no words: in English, the Italian words are nowhere.
    expect(view.rows.length).toBe(0)
    view.words = (e) => words(e, 'it')
    view.setFilter(view.filter)
    expect(view.rows.map((e) => e.kind)).toEqual(['send'])
    view.setFilter({ ...NO_FILTER, text: 'wrote 11 bytes' })
    expect(view.rows.length).toBe(0)
    view.words = (e) => words(e)
    view.setFilter(view.filter)
    expect(view.rows.map((e) => e.kind)).toEqual(['send'])
  })
})

describe('hexDump', () => {
  it('shows offset, hex in two groups of eight and printable text', () => {
    const bytes = new TextEncoder().encode('hello world\r\n\x00\xff!')
    expect(hexDump(bytes).split('\n')).toEqual([
      '0000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0d 0a 00 c3 bf  hello world.....',
      '0010  21                                                !'
    ])
  })
})

describe('CSV export', () => {
  it('quotes commas, quotes and newlines, and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=cmd()')).toBe("'=cmd()")
    expect(csvCell(-5)).toBe('-5')
    // The HTTP client's console line of its request: the program's own words, as printed.
    const csv = toCsv([ev({ kind: 'console', info: 'GET / HTTP/1.0\r\n\r\n', detail: { course: true }, preview: 'aGk=' })])
    const [, row] = csv.split('\r\n')
    expect(row).toMatch(/^\d+,0\.000000,127\.0\.0\.1:40000,127\.0\.0\.1:12000,TCP,11,tcp-client-1,console,"GET \/ HTTP\/1\.0/)
    // The info column is the words the log shows, in the language asked for; the other columns stay as they are.
    const [, sent] = toCsv([ev({ preview: 'aGk=' })], undefined, (e) => words(e, 'it')).split('\r\n')
    expect(sent).toMatch(/,tcp-client-1,send,scritti 11 byte nello stream,aGk=$/)
    expect(csv.endsWith(',aGk=\r\n')).toBe(true)
  })
})
