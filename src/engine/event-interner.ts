// Equal values of the events the ring holds, held once. A flood repeats the same few console lines
// ("Server waiting on (127.0.0.1, 12000)": only console events carry words), details ({ what: 'bytes' }) and addresses for each of
// its tens of thousands of events; each event made its own copy, and the ring of 50,000 events
// held 29 bytes more per event than before details existed (276 against 247; 160 now). Values are
// never changed once made, so sharing them is safe.
//
// Only the last few values of each field are looked at, compared field by field: a flood repeats
// them back to back, and a run of new connections (a new client port each) must not pay for a
// table it never hits. Keys made of strings (JSON, "address port") in big maps cost 2.4 µs an
// event, this 0.23 µs.

import type { LabEvent, SockAddr } from '../shared/events'

/** Values remembered per field. */
const RECENT = 8

/** The last RECENT distinct values of a field; an equal one given again is answered with the copy held. */
class Recent<T> {
  private readonly held: T[] = []
  private next = 0

  constructor(private readonly equal: (a: T, b: T) => boolean) {}

  shared(value: T): T {
    for (const held of this.held) if (held === value || this.equal(held, value)) return held
    this.held[this.next] = value
    this.next = (this.next + 1) % RECENT
    return value
  }
}

const sameAddress = (a: SockAddr, b: SockAddr): boolean => a.port === b.port && a.address === b.address && a.family === b.family

/**
 * Details are flat records of words, numbers and flags: the same keys with the same values (a
 * nested object only if it is the same one). A key whose value is undefined ({ code: undefined })
 * is still a key: b must have it too, or { queuedAhead: 1 } would pass for it.
 */
function sameDetail(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let keys = 0
  for (const k in a) {
    if (a[k] !== b[k] || !(k in b)) return false
    keys++
  }
  for (const _key in b) keys--
  return keys === 0
}

export class EventInterner {
  private readonly sentences = new Recent<string>((a, b) => a === b)
  private readonly details = new Recent<LabEvent['detail']>((a, b) => sameDetail(a as Record<string, unknown>, b as Record<string, unknown>))
  private readonly addresses = new Recent<SockAddr>(sameAddress)

  /** Replaces the event's sentence, detail and addresses by the copies already held, in place. */
  intern(event: LabEvent): void {
    if (event.info !== undefined) event.info = this.sentences.shared(event.info)
    event.detail = this.details.shared(event.detail)
    if (event.local) event.local = this.addresses.shared(event.local)
    if (event.remote) event.remote = this.addresses.shared(event.remote)
  }
}
