// Sends each event to where it is shown: every event to the packet log's store, and the lines a
// program prints (console lines, its errors, a client's reset) to the console of the endpoint's
// panel or tab. Events of an endpoint whose console is not known yet (its start reply is still on
// the way, or another window started it and this one has not adopted it yet) wait until it is. A
// window's own lines (WindowLine) go to the console they name, or with the endpoint they name.

import type { LabEvent, WindowLineStyle } from '../../../shared/events'
import { decodeStopWords, englishT, eventWords, sayIn, type TFunction } from '../../../shared/event-words'
import { said, type Said } from '../../../shared/i18n/said'
import type { ConsoleRegistry } from '../consoles/consoles'
import type { EventStore } from './event-store'

/** What the router writes to: the console registry (a recording double in tests, which have no DOM). */
export type ConsoleWriter = Pick<ConsoleRegistry, 'write'>

/** Events held for endpoints not routed yet: a flood must not grow them without bound. */
const MAX_ORPHANS = 2000

/**
 * Shows a window's own line in console `key` as every window shows it: a note or an error is a
 * Said, worded by the console in the window's language as it is written (the echo of what the
 * student typed is text, shown as it is).
 */
export function showWindowLine(consoles: ConsoleWriter, key: string, style: WindowLineStyle, what: string | Said): void {
  consoles.write(key, style === 'error' ? said('lab:console.error', { message: what }) : what, style)
}

/** A client's read that the course's client could not decode: its console says so. */
/** A relay's own record (a drop, a duplicate, a delay, a flow...), which its console shows as a line; not what it forwards. */
const relayLine = (e: LabEvent): boolean => e.kind === 'drop' || e.kind === 'duplicate' || e.kind === 'delay' || e.kind === 'relay'
const undecodable = (e: LabEvent): boolean => e.kind === 'recv' && e.role === 'client' && 'undecodable' in e.detail && e.detail.undecodable !== undefined

export class EventRouter {
  /** endpoint id → console key */
  private readonly routes = new Map<string, string>()
  private orphans: LabEvent[] = []
  /** By endpoint: the note for a reply the course's client could not decode, until the reply's line shows. */
  private readonly decodeNotes = new Map<string, string>()

  constructor(
    private readonly store: EventStore,
    private readonly consoles: ConsoleWriter,
    /** The console this window shows a window line's console key in (another window's tabs may differ). */
    private readonly placeOf: (key: string) => string = (key) => key,
    /** The window's words as they are now: an error or a note is worded as it reaches its console. */
    private readonly t: () => TFunction = englishT
  ) {}

  /** The console key of an endpoint, if known. */
  keyOf = (id: string): string | undefined => this.routes.get(id)

  has(id: string): boolean {
    return this.routes.has(id)
  }

  /** From now on endpoint `id` speaks in console `key`; what it said before arrives there now. */
  route(id: string, key: string): void {
    this.routes.set(id, key)
    const waiting = this.orphans.filter((e) => e.endpoint === id)
    if (waiting.length === 0) return
    this.orphans = this.orphans.filter((e) => e.endpoint !== id)
    for (const e of waiting) this.show(key, e)
  }

  deliver = (input: LabEvent[]): void => {
    for (const e of this.store.add(input)) {
      if (e.kind !== 'console' && e.kind !== 'error' && e.kind !== 'reset' && !undecodable(e) && !relayLine(e)) continue
      // A window's line waits only with the endpoint it names: otherwise nothing is on its way to say where it goes.
      const key = this.routes.get(e.endpoint) ?? (e.kind === 'console' && e.detail.window && !e.endpoint ? this.placeOf(e.detail.window.console) : undefined)
      if (key) this.show(key, e)
      else if (this.orphans.length < MAX_ORPHANS) this.orphans.push(e)
    }
  }

  private show(key: string, e: LabEvent): void {
    if (e.kind === 'console') {
      if (e.detail.window) showWindowLine(this.consoles, key, e.detail.window.style, e.detail.window.said ?? e.info ?? '')
      else {
        // The course program's own line as it printed it (never translated); socklab's own note in the window's language.
        this.consoles.write(key, e.detail.note ? sayIn(this.t(), e.detail.note) : (e.info ?? ''))
        // The reply's line is the one after its read: the note goes right under it, where the U+FFFD is.
        const note = this.decodeNotes.get(e.endpoint)
        if (note !== undefined) {
          this.decodeNotes.delete(e.endpoint)
          this.consoles.write(key, note, 'note')
        }
      }
    } else if (e.kind === 'error') this.consoles.write(key, `ERROR: ${eventWords(e, this.t())}`, 'error')
    // The relay's console: what it did, a line each (a drop in red).
    else if (relayLine(e)) this.consoles.write(key, eventWords(e, this.t()), e.kind === 'drop' ? 'error' : 'plain')
    // A server says "Connection reset by ..." itself; a client's reset is its failure.
    else if (e.kind === 'reset' && e.role === 'client') this.consoles.write(key, `ERROR: ${eventWords(e, this.t())}`, 'error')
    // Where the course's client would have stopped in decode(): said under the reply's line, which comes next.
    else if (e.kind === 'recv' && 'undecodable' in e.detail && e.detail.undecodable) this.decodeNotes.set(e.endpoint, decodeStopWords(e.detail.undecodable, this.t()))
  }
}
