// Equal values of the events the ring holds, held once. A flood repeats the same few sentences
// ("Server waiting on (127.0.0.1, 12000)"), details ({ what: 'bytes' }) and addresses for each of
// its tens of thousands of events; each event made its own copy, and the ring of 50,000 events
// held about 40 bytes more per event than before details existed. Values are never changed once
// made, so sharing them is safe.

import type { LabEvent, SockAddr } from '../shared/events'

/** Distinct values kept per field: a lab's sentences and peers are far fewer; more (a scan of ports) start the table afresh. */
const MAX_DISTINCT = 4096

/** One table of equal values, keyed by a string that only equal values share. */
class Table<T> {
  private readonly byKey = new Map<string, T>()

  /** The copy of `value` this table holds, which is `value` itself the first time. */
  shared(key: string, value: T): T {
    const held = this.byKey.get(key)
    if (held !== undefined) return held
    if (this.byKey.size >= MAX_DISTINCT) this.byKey.clear()
    this.byKey.set(key, value)
    return value
  }
}

export class EventInterner {
  private readonly sentences = new Table<string>()
  private readonly details = new Table<LabEvent['detail']>()
  private readonly addresses = new Table<SockAddr>()

  /** Replaces the event's sentence, detail and addresses by the copies already held, in place. */
  intern(event: LabEvent): void {
    event.info = this.sentences.shared(event.info, event.info)
    event.detail = this.details.shared(JSON.stringify(event.detail), event.detail)
    if (event.local) event.local = this.address(event.local)
    if (event.remote) event.remote = this.address(event.remote)
  }

  private address(a: SockAddr): SockAddr {
    return this.addresses.shared(`${a.family} ${a.address} ${a.port}`, a)
  }
}
