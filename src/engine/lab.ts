// The Lab: a registry of running endpoints and one ordered, bounded stream of their events.
// Every host (Electron main, the browser host, tests) drives the engine through this class.

import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { EndpointConfig, EndpointInfo, SendResult, StoppedInfo, WindowLine } from '../shared/contract'
import { kindFitsConsole, parseConsoleKey } from '../shared/console-keys'
import type { EndpointKind } from '../shared/endpoint-kinds'
import { endpointId, kindInfo, kindOfId } from '../shared/endpoint-kinds'
import type { LabEvent, LabEventOf, SockAddr, StopHow } from '../shared/events'
import { DEFAULT_RING_SIZE } from '../shared/events'
import { english } from './english'
import { MAX_ENDPOINTS_PER_LAB } from '../shared/limits'
import { PreviewBudget } from '../shared/preview-budget'
import { createEndpoint } from './create-endpoint'
import type { Endpoint } from './endpoint'
import { Reporter } from './endpoint'
import { LabError } from './errors'
import { EventInterner } from './event-interner'
import { PreviewRate } from './preview-rate'
import { Ring } from './ring'
import { STOPPED_KEPT, StoppedEndpoints } from './stopped-endpoints'
import { said, type Said } from '../shared/i18n/said'
import { englishT, sayIn } from '../shared/event-words'

export interface LabOptions {
  ringSize?: number
  /** Keep payload previews in events (the UI shows them; the CLI does not need them). */
  previews?: boolean
}

interface Running {
  endpoint: Endpoint
  /** Its voice: the Lab reports its lifecycle through it. */
  reporter: Reporter
  local?: SockAddr
  /** The console the window that started it shows it in. */
  console?: string
  /** Calls of a client under way, and how its last call ended: its ClientActivity. */
  connecting: number
  sending: number
  received?: number
  failed?: true
  /** An HTTP client's last URL asked for: windows show it in the tab's URL field (EndpointInfo.url). */
  url?: string
  /** The client's activity as last reported in a lifecycle event (activityKey), so that only a change is reported. */
  reported?: string
}

/**
 * The lifecycle events of one endpoint that a window attaching must get even once the ring has let
 * them go: its start, its latest activity and its stop (each the event itself, with its seq).
 */
interface Life {
  started?: LabEventOf<'lifecycle'>
  activity?: LabEventOf<'lifecycle'>
  stopped?: LabEventOf<'lifecycle'>
}

export interface LabEvents {
  event: [LabEvent]
}

export class Lab extends EventEmitter<LabEvents> {
  private readonly ring: Ring<LabEvent>
  /** Whole payload previews for the newest events only: the ring's memory stays bounded. */
  private readonly budget = new PreviewBudget()
  /** ... and whole payloads at a bounded rate: a flood is previewed by its heads. */
  private readonly rate = new PreviewRate()
  /**
   * ... and one copy of each repeated sentence, detail and address, where the ring holds events for
   * long (a window's 50,000): the CLI's ring holds one event, and sharing would only cost it time.
   */
  private readonly interner?: EventInterner
  private readonly running = new Map<string, Running>()
  private readonly stoppedOnes = new StoppedEndpoints()
  /** Every running endpoint's lifecycle events, and those of the newest STOPPED_KEPT stopped ones (oldest first): kept out of the ring's eviction. */
  private readonly lives = new Map<string, Life>()
  private stoppedLives = 0
  private readonly counters = new Map<EndpointKind, number>()
  /** Starts under way: they count towards the cap, so parallel starts cannot slip past it. */
  private starting = 0
  /** performance.now() is monotonic and cheap (no BigInt per event), with sub-µs resolution. */
  private readonly startedAt = performance.now()
  private readonly previews: boolean
  private seq = 0
  /** Names this Lab: its seq numbers mean something only within it (a window's Clear mark is kept per session). */
  readonly session = randomUUID()

  constructor(options: LabOptions = {}) {
    super()
    this.ring = new Ring(options.ringSize ?? DEFAULT_RING_SIZE)
    if (this.ring.capacity > 1) this.interner = new EventInterner()
    this.previews = options.previews ?? true
  }

  /**
   * Creates the endpoint and, for servers, binds it. A failed start leaves nothing behind.
   * `console`: the console key the starting window shows it in, reported with it (list(), stopped()).
   */
  async start(config: EndpointConfig, consoleKey?: string): Promise<EndpointInfo> {
    if (consoleKey !== undefined && !kindFitsConsole(config.kind, consoleKey)) throw new LabError(said('error:wrongConsole', { kind: config.kind, console: consoleKey.slice(0, 40) }))
    if (this.running.size + this.starting >= MAX_ENDPOINTS_PER_LAB) {
      throw new LabError(said('error:limit', { most: MAX_ENDPOINTS_PER_LAB }), 'ELIMIT')
    }
    this.starting++
    try {
      const n = this.nextNumber(config.kind)
      const id = endpointId(config.kind, n)
      const { role, proto } = kindInfo(config.kind)
      const reporter = new Reporter(id, role, proto, (d, at) => this.record(d, at), this.previews, this.rate)
      const endpoint = createEndpoint(id, config, reporter)
      const started = { step: 'started' as const, n, config, ...(consoleKey !== undefined && { console: consoleKey }) }
      let local: SockAddr | undefined
      try {
        local = await endpoint.start()
      } catch (err) {
        // Said in the stream too, so that every window places the lines it printed and knows nothing runs.
        reporter.lifecycle(started)
        reporter.lifecycle({ step: 'stopped', how: 'failed' })
        throw err
      }
      const entry: Running = { endpoint, reporter, local, connecting: 0, sending: 0, ...(consoleKey !== undefined && { console: consoleKey }) }
      this.running.set(id, entry)
      reporter.lifecycle({ ...started, ...(local && { local }) })
      return infoOf(entry)
    } finally {
      this.starting--
    }
  }

  async stop(id: string): Promise<void> {
    const entry = this.running.get(id)
    if (!entry) throw new LabError(said('error:noEndpoint', { id }))
    this.running.delete(id)
    const inCall = entry.connecting + entry.sending > 0
    const how: StopHow = kindInfo(entry.endpoint.config.kind).role !== 'client' ? 'stopped' : inCall ? 'cancelled' : 'closed'
    this.stoppedOnes.add({
      id,
      config: entry.endpoint.config,
      ...(entry.console !== undefined && { console: entry.console }),
      ...(entry.connecting + entry.sending > 0 && { inCall: true as const }),
      ...(entry.url !== undefined && { url: entry.url })
    })
    try {
      await entry.endpoint.stop()
    } finally {
      // Once its sockets are closed (a server's port is free): what a window shows as stopped is.
      entry.reporter.lifecycle({ step: 'stopped', how })
    }
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()]
    this.running.clear()
    await Promise.allSettled(all.map((r) => r.endpoint.stop().finally(() => r.reporter.lifecycle({ step: 'stopped', how: 'shutdown' }))))
  }

  async connect(id: string): Promise<void> {
    const entry = this.entry(id)
    if (!entry.endpoint.connect) throw new LabError(said('error:cannotConnectAhead', { id }))
    entry.connecting++
    entry.received = entry.failed = undefined
    this.reportActivity(entry)
    try {
      await entry.endpoint.connect()
    } finally {
      entry.connecting--
      this.reportActivity(entry)
    }
  }

  /** A TCP server's connection closed on request (the window's Close on it): only an endpoint of this Lab, only a server that has connections. */
  async closeConnection(id: string, conn: number): Promise<void> {
    const entry = this.entry(id)
    if (!entry.endpoint.closeConnection) throw new LabError(said('console:closeConnection.notServer', { id }))
    await entry.endpoint.closeConnection(conn)
  }

  async send(id: string, input: string): Promise<SendResult> {
    const entry = this.entry(id)
    if (!entry.endpoint.send) throw new LabError(said('error:serverCannotSend', { id }))
    entry.sending++
    entry.received = entry.failed = undefined
    // Kept as asked, even if it fails to parse: it is what the tab that sent it shows.
    if (entry.endpoint.config.kind === 'http-client') entry.url = input
    this.reportActivity(entry)
    try {
      const result = await entry.endpoint.send(input)
      entry.received = result.length
      return result
    } catch (err) {
      entry.failed = true
      throw err
    } finally {
      entry.sending--
      this.reportActivity(entry)
    }
  }

  list(): EndpointInfo[] {
    return [...this.running.values()].map(infoOf)
  }

  /** The endpoints stopped lately, oldest first: where their lines, still in the ring, were shown. */
  stopped(): StoppedInfo[] {
    return this.stoppedOnes.list()
  }

  /**
   * A note the host says in a running endpoint's console (why its call waits), as data: kept with
   * the events, so that every window shows it, each in its language.
   */
  say(id: string, what: Said): void {
    this.entry(id)
    const { role, proto } = kindInfo(kindOfId(id)!)
    this.record({ seq: 0, time: 0, endpoint: id, role, proto, kind: 'console', conn: 0, length: 0, info: sayIn(englishT(), what), detail: { note: what } })
  }

  /**
   * A line a window wrote into one of its consoles (a refusal, a note, the echo of a sentence):
   * kept with the events, so that a reload and every other window show it. The host has checked it.
   */
  writeConsole(line: WindowLine): void {
    const place = parseConsoleKey(line.console)
    if (!place) throw new LabError(said('error:notAConsole', { console: line.console.slice(0, 40) }))
    this.record({
      seq: 0,
      time: 0,
      endpoint: line.endpoint ?? '',
      role: place.role,
      proto: place.proto,
      kind: 'console',
      conn: 0,
      length: 0,
      // A Said's English words, for the exports and the CLI; each window words it in its own language.
      info: line.said ? english(line.said) : (line.text ?? ''),
      detail: { window: { console: line.console, style: line.style, ...(line.said && { said: line.said }) } }
    })
  }

  /**
   * The lifecycle events older than seq `before` that the Lab still keeps (every running endpoint's
   * start and latest activity, and the newest stopped ones' too), oldest first: a window attaching
   * gets these ahead of the ring's events (from `before` on), so that it knows what runs and what
   * stopped however long ago it started.
   */
  lifecycleBefore(before: number): LabEvent[] {
    const out: LabEvent[] = []
    for (const life of this.lives.values()) for (const e of [life.started, life.activity, life.stopped]) if (e && e.seq < before) out.push(e)
    return out.sort((a, b) => a.seq - b.seq)
  }

  /** The events still in the ring, oldest first. */
  history(): LabEvent[] {
    return this.ring.toArray()
  }

  /**
   * At most `max` events from seq `from` on, while the ring still holds them (a viewer catching up
   * reads them from here). Events older than the ring's oldest are gone: the result starts later.
   */
  eventsFrom(from: number, max: number): LabEvent[] {
    const oldest = this.seq - this.ring.size + 1
    return this.ring.slice(Math.max(from, oldest) - oldest, max)
  }

  /**
   * The lab's time 0 (LabEvent.time) in microseconds since the Unix epoch, as the process's clocks
   * put it. Packets are stamped by the kernel's clock: LabCapture measures the two against each
   * other (ClockProbe) and uses this only until it has. Fixed for the lab's life.
   */
  get timeZeroEpochMicros(): number {
    return Math.round((performance.timeOrigin + this.startedAt) * 1000)
  }

  /** Now on the lab's clock: µs since its time 0, unrounded (LabEvent.time is this, rounded). */
  now(): number {
    return (performance.now() - this.startedAt) * 1000
  }

  /** The seq of the newest event (0 before the first). */
  get lastSeq(): number {
    return this.seq
  }

  clearHistory(): void {
    this.ring.clear()
    this.budget.clear()
  }

  private entry(id: string): Running {
    const entry = this.running.get(id)
    if (!entry) throw new LabError(said('error:noEndpoint', { id }))
    return entry
  }

  private nextNumber(kind: EndpointKind): number {
    const n = (this.counters.get(kind) ?? 0) + 1
    this.counters.set(kind, n)
    return n
  }

  /** A client's activity, reported as a lifecycle event when it changed since the last (and only while it runs). */
  private reportActivity(entry: Running): void {
    if (this.running.get(entry.endpoint.id) !== entry) return
    const client = infoOf(entry).client
    if (!client) return
    const key = `${client.now} ${client.received ?? ''} ${client.failed ? 1 : 0} ${entry.url ?? ''}`
    if (key === entry.reported) return
    entry.reported = key
    entry.reporter.lifecycle({ step: 'activity', ...client, ...(entry.url !== undefined && { url: entry.url }) })
  }

  /** Keeps an endpoint's lifecycle event beyond the ring: its start, its latest activity, its stop. */
  private keepLife(e: LabEventOf<'lifecycle'>): void {
    const d = e.detail
    if (d.step === 'started') {
      this.lives.set(e.endpoint, { started: e })
      return
    }
    const life = this.lives.get(e.endpoint)
    if (!life) return
    if (d.step === 'activity') {
      life.activity = e
      return
    }
    life.stopped = e
    // Stopped ones in the order they stopped, after those still running: the oldest stops go first.
    this.lives.delete(e.endpoint)
    this.lives.set(e.endpoint, life)
    if (++this.stoppedLives <= STOPPED_KEPT) return
    for (const [id, l] of this.lives) {
      if (!l.stopped) continue
      this.lives.delete(id)
      this.stoppedLives--
      break
    }
  }

  /** `at`: when a call was made (performance.now()), if it was reported after it. */
  private record(event: LabEvent, at = performance.now()): void {
    event.seq = ++this.seq
    event.time = Math.round((at - this.startedAt) * 1000)
    this.interner?.intern(event)
    const evicted = this.ring.push(event)
    if (evicted) this.budget.dropThrough(evicted.seq)
    this.budget.admit(event)
    this.emit('event', event)
    if (event.kind === 'lifecycle') this.keepLife(event)
    // A TCP client's connection opened or closed (the server closed it, a reset): its activity changed.
    else if (event.kind === 'connect' || event.kind === 'close' || event.kind === 'reset') {
      const entry = this.running.get(event.endpoint)
      if (entry) this.reportActivity(entry)
    }
  }

}

/** What the host reports of a running endpoint; a client's activity comes from its calls under way. */
function infoOf({ endpoint, local, console: consoleKey, connecting, sending, received, failed, url }: Running): EndpointInfo {
  const info: EndpointInfo = { id: endpoint.id, config: endpoint.config, local, ...(consoleKey !== undefined && { console: consoleKey }), ...(url !== undefined && { url }) }
  if (kindInfo(endpoint.config.kind).role !== 'client') return info
  const now = sending > 0 ? 'waiting' : connecting > 0 ? 'connecting' : endpoint.hasConnection?.() ? 'connected' : 'idle'
  info.client = { now, ...(received !== undefined && { received }), ...(failed && { failed }) }
  return info
}
