// The window's capture of the lab's own traffic, shared by both hosts. It follows the lab: the
// ports are those its servers listen on and its clients connect to, and when a new one comes a new
// capture starts on all of them (before the endpoint uses it, where the host can wait for that).
// Past MAX_FILTER_PORTS ports the capture takes every TCP/UDP packet of the loopback interface
// with a filter of fixed size, once, and the lab's packets are selected here by port: a filter
// naming every port costs seconds to compile (18.7 s for 500), and a new port then needs no
// restart. Packets of other ports (other programs) never reach the window or the export.
// The old capture stops only once the new one captures and dissects, so nothing on the old ports
// is missed meanwhile; a packet both saw shows once (OverlapDuplicates). Ports are only ever added
// in a session, so a stopped server's last packets (its FIN, the ACKs of TIME_WAIT) are still
// captured. Packets of successive captures are numbered as one capture, in a ring of their own
// (never the lab's event ring), and the pcapng files become one export, without the copies.
//
// Bounds (CaptureLimits): a capture hands over to a fresh one (the same restart) once its file
// reaches rotateBytes or its tshark has dissected rotatePackets (tshark keeps every packet's state
// until it ends: about 300 bytes each); the oldest files are deleted while all of them pass
// diskBytes, and their packets are counted as no longer in the export. A capture whose tshark
// falls more than maxLagMs behind a flood is let go once a fresh one dissects: what it had not
// dissected is counted as skipped, and the view goes on with the newest packets.

import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'
import fs from 'node:fs'
import path from 'node:path'
import type { EndpointConfig } from '../shared/contract'
import type { LabEvent } from '../shared/events'
import { ROLES } from '../shared/endpoint-kinds'
import type { KernelTcpReading } from '../shared/kernel-tcp'
import type { CaptureProblem, CaptureStatus, WirePacket } from '../shared/wire'
import { checkCapture } from '../engine/capture/capture-check'
import { readingKey, readKernelTcp } from '../engine/capture/kernel-tcp-state'
import { CaptureUnavailableError, DEFAULT_PACKET_RING, PacketCapture, type CaptureEnd } from '../engine/capture/packet-capture'
import { MAX_FILTER_PORTS } from '../engine/capture/capture-filter'
import { problem as captureProblem } from '../engine/capture/capture-problem'
import { hostSearch, type ToolSearch } from '../engine/capture/tools'
import { removeRunFolder, runFolder } from '../engine/capture/run-folders'
import type { Lab } from '../engine/lab'
import { Ring } from '../engine/ring'
import { parseCourseUrl } from '../engine/url'
import { ClockProbe } from './clock-probe'
import { OverlapDuplicates } from './overlap-duplicates'
import { ResetCauses } from './reset-causes'
import { FrameRanges } from './frame-ranges'
import { countFramesAfter, keptBlocks } from './pcapng-file'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())

/** The most of the host's time reading the kernel's table may take: with thousands of sockets it is read less often. */
const KERNEL_READ_SHARE = 0.05
/** A wall-clock cost also counts the waits of a busy host: a reading is never older than this. */
const KERNEL_READ_STALE_MS = 2000

export interface CaptureLimits {
  /** A capture's file past this hands over to a fresh capture. */
  rotateBytes: number
  /** Packets one tshark dissects before a fresh one takes over: its memory grows with them. */
  rotatePackets: number
  /** All the capture files together: the oldest are deleted past this. */
  diskBytes: number
  /** How far behind the capture clock tshark may fall (a flood) before a fresh capture skips ahead. */
  maxLagMs: number
}

export const CAPTURE_LIMITS: CaptureLimits = {
  rotateBytes: 32 * 1024 * 1024,
  rotatePackets: 250_000,
  diskBytes: 128 * 1024 * 1024,
  maxLagMs: 2000
}

export interface LabCaptureOptions {
  search?: ToolSearch
  ringSize?: number
  limits?: Partial<CaptureLimits>
}

export interface LabCaptureEvents {
  packets: [WirePacket[]]
}

/** The ports an endpoint will use, known before it starts (port 0 is known only once bound). */
export function portsOfConfig(config: EndpointConfig): number[] {
  const ports = 'port' in config && config.port > 0 ? [config.port] : []
  // A relay also reaches its server's port.
  if ('toPort' in config && config.toPort > 0) ports.push(config.toPort)
  return ports
}

/** The port an event shows the lab using: a bound port (a server's, a relay's), the port a client (or a relay) talks to. */
export function portsOfEvent(e: LabEvent): number[] {
  if ((e.kind === 'listen' || e.kind === 'bind') && e.local) return [e.local.port]
  // A relay: the port it listens on and its server's (which may run outside socklab).
  if (e.kind === 'relay' && e.detail.what === 'listening') return [...(e.local ? [e.local.port] : []), e.detail.target.port]
  // A relay's other sends go to its server (covered above) and back to each client's own port, which no capture need cover.
  if (e.role === 'relay') return []
  if (ROLES[e.role].dials && (e.kind === 'connect' || e.kind === 'send') && e.remote) return [e.remote.port]
  return []
}

/** The port an HTTP client's URL names (80 when it names none). */
export function portOfUrl(url: string): number | undefined {
  const parsed = parseCourseUrl(url)
  return 'error' in parsed ? undefined : parsed.port
}

/** One capture of the session, on the ports the lab had used when it started. */
interface Run {
  capture: PacketCapture
  ports: number[]
  /** It captures every TCP/UDP packet of the interface (past MAX_FILTER_PORTS ports): it covers any port. */
  wide: boolean
  file: string
  /**
   * Its own frame numbers (= its file's) of the packets the window was given: the export holds
   * those, not the copies of another capture's nor the packets of other programs.
   */
  kept: FrameRanges
  /** Its conversation numbers → the session's. */
  conversations: Map<string, string>
  /** The capture time of the newest packet it delivered (µs since the epoch), and when (ms). */
  lastTime: number
  lastAt: number
  /** Packets its tshark delivered (the lab's or not), and the frame number of the last. */
  parsed: number
  lastFrame: number
  /** When its tshark began to deliver (ms); its file's size at each check of the last SIZE_HISTORY_MS, oldest first. */
  dissectingAt?: number
  sizes: { at: number; size: number }[]
  /** Its file was deleted (disk bound): the packets it still delivers are not in the export either. */
  deleted?: boolean
  /** Let go for a fresh capture that skipped ahead: what it still delivers is not wanted. */
  skipping?: boolean
}

/** How long an old capture waits for its successor's tshark, and to catch up, before it stops anyway. */
const HANDOVER_TIMEOUT_MS = 20_000
/** An old capture that delivered nothing for this long has nothing left to deliver. */
const HANDOVER_QUIET_MS = 2000
/** Conversations remembered by their addresses, to give the same one the same name in the next capture. */
const MAX_NAMED = 10_000
/** How often the capture's file size and lag are checked. */
const COST_CHECK_MS = 250
/** How far back the file sizes are remembered, for telling how far behind tshark is. */
const SIZE_HISTORY_MS = 60_000
/**
 * Growth of the file that counts as a backlog: tshark writes its file through a buffer, so a quiet
 * capture's file grows by a few KB long after its packets were delivered (that is no lag); a flood
 * behind by maxLagMs has written megabytes.
 */
const LAG_MIN_BYTES = 1024 * 1024

export class LabCapture extends EventEmitter<LabCaptureEvents> {
  private readonly ring: Ring<WirePacket>
  private readonly search: ToolSearch
  /** Every port the lab used this session. */
  private readonly ports = new Set<number>()
  private wanted = false
  private state: CaptureStatus['state'] = 'off'
  private problem?: CaptureProblem
  private current?: Run
  /** Old captures stopping once their successor captures. */
  private readonly retiring = new Set<Promise<void>>()
  private readonly duplicates = new OverlapDuplicates()
  /** Measures the lab's clock against the capture's, with datagrams of its own on a port it captures too. */
  private readonly probe: ClockProbe
  private readonly resets: ResetCauses
  private next = { TCP: 0, UDP: 0 }
  /** The session's conversation names by their addresses (see sessionConversation). */
  private readonly named = new Map<string, string>()
  private packets = 0
  private dropped: number | null = 0
  private skipped = 0
  private forgotten = 0
  private readonly limits: CaptureLimits
  private costTimer?: NodeJS.Timeout
  /** A hand-over for the bounds is under way: no second one meanwhile. */
  private changing = false
  private readonly retiringRuns = new Set<Run>()
  /** Captures started in this session: each names its own file. */
  private started = 0
  private readonly runs: Run[] = []
  private dir?: string
  /** Starts, stops and restarts, one at a time. */
  private work: Promise<unknown> = Promise.resolve()
  private checked?: Promise<unknown>
  private disposed = false

  constructor(
    private readonly lab: Lab,
    options: LabCaptureOptions = {}
  ) {
    super()
    this.ring = new Ring(options.ringSize ?? DEFAULT_PACKET_RING)
    this.search = options.search ?? hostSearch()
    this.probe = new ClockProbe(() => lab.now())
    this.resets = new ResetCauses(() => this.probe.alignment?.zero ?? lab.timeZeroEpochMicros)
    this.limits = { ...CAPTURE_LIMITS, ...options.limits }
    lab.on('event', this.onEvent)
  }

  status(): CaptureStatus {
    return {
      // While a new port is taken in, the old capture goes on: 'on', with the ports it has.
      state: this.state,
      ports: this.current?.ports ?? (this.wanted ? [...this.ports].sort((a, b) => a - b) : []),
      problem: this.problem,
      packets: this.packets,
      dropped: this.dropped,
      // Measured once a probe is captured; until then the process's own mapping, with no bound said.
      labZero: this.probe.alignment?.zero ?? this.lab.timeZeroEpochMicros,
      ...(this.probe.alignment && { labZeroBound: this.probe.alignment.bound }),
      skipped: this.skipped,
      forgotten: this.forgotten
    }
  }

  /** The status, once it is known whether capture is possible here (asked once, by trying). */
  async checkedStatus(): Promise<CaptureStatus> {
    this.checked ??= this.check()
    await this.checked
    return this.status()
  }

  /** Captures the lab's ports from now on; resolves once the tools capture (or it is known why they cannot). */
  async start(): Promise<CaptureStatus> {
    await this.serially(async () => {
      if (this.wanted && this.state === 'on') return
      this.state = 'starting'
      // Asked again every time: the student may have just been given permission.
      const possible = this.check()
      this.checked = possible.then(() => undefined)
      if (!(await possible)) return
      this.wanted = true
      await this.restart()
    })
    return this.status()
  }

  async stop(): Promise<CaptureStatus> {
    await this.serially(async () => {
      this.wanted = false
      await this.endCurrent()
      if (this.state !== 'unavailable') this.state = 'off'
    })
    return this.status()
  }

  /**
   * An endpoint is about to use these ports: while capturing, they are captured before it does.
   * `onHold` hears at once, with the ports not captured yet, when that means waiting for a restart.
   */
  async cover(ports: readonly number[], onHold?: (missing: number[]) => void): Promise<void> {
    const fresh = ports.filter((p) => p > 0 && !this.ports.has(p))
    for (const p of fresh) this.ports.add(p)
    const missing = ports.filter((p) => p > 0 && !this.covers(this.current, p))
    if (!this.wanted || missing.length === 0) return
    onHold?.([...new Set(missing)])
    await this.serially(() => this.restart())
  }

  /** The last rows read from the kernel, as readingKey says them, how many times they changed, when they were read and what the read took (ms). */
  private kernelSeen: { key: string; version: number; reading?: KernelTcpReading; at: number; cost: number } = { key: '', version: 0, at: 0, cost: 0 }

  history(): WirePacket[] {
    return this.ring.toArray()
  }

  /**
   * The kernel's TCP sockets on every port the lab used this session; to a window that holds the
   * same rows (`since` is their version), "unchanged": 5,000 idle connections are not sent again
   * every half second, nor drawn again.
   */
  async kernelState(since?: number): Promise<KernelTcpReading> {
    const now = performance.now()
    // The kernel takes its time to list a big table (60 ms for 6,000 sockets): a reading is reused,
    // whoever asks, until the read is at most KERNEL_READ_SHARE of the time, and KERNEL_READ_STALE_MS at most.
    if (!this.kernelSeen.reading || now - this.kernelSeen.at >= Math.min(this.kernelSeen.cost / KERNEL_READ_SHARE, KERNEL_READ_STALE_MS)) {
      const reading = this.search.platform === 'linux' && this.ports.size === 0 ? { exposed: true as const, version: 0, sockets: [] } : await readKernelTcp([...this.ports], this.search.platform)
      const cost = performance.now() - now
      if (!reading.exposed) return reading
      const key = readingKey(reading.sockets)
      const version = key === this.kernelSeen.key ? this.kernelSeen.version : this.kernelSeen.version + 1
      this.kernelSeen = { key, version, reading: { ...reading, version }, at: now, cost }
    }
    const { version, reading } = this.kernelSeen
    return since === version ? { exposed: true, unchanged: true, version } : reading!
  }

  /**
   * Everything captured in this session as one pcapng file (one section per capture), streamed
   * from the capture files a chunk at a time; null before the first packet.
   */
  pcapng(): Readable | null {
    if (this.packets === 0) return null
    const runs = [...this.runs]
    return Readable.from(
      (async function* () {
        for (const r of runs) yield* keptBlocks(r.file, r.kept)
      })(),
      { objectMode: false }
    )
  }

  async dispose(): Promise<void> {
    this.disposed = true
    clearInterval(this.costTimer)
    this.lab.off('event', this.onEvent)
    this.wanted = false
    // Nobody will see what the tools still hold: they end now, not after a flood's backlog.
    await this.serially(() => this.endCurrent(true))
    this.probe.close()
    if (this.dir) removeRunFolder(this.dir)
  }

  private onEvent = (e: LabEvent): void => {
    this.resets.note(e)
    // A server on port 0 is known only now; a client's port was covered before it started.
    const ports = portsOfEvent(e).filter((port) => !this.ports.has(port))
    if (ports.length > 0) void this.cover(ports)
  }

  /** Whether capture is possible here; sets the state and the sentence when it is not. */
  private async check(): Promise<boolean> {
    const availability = await checkCapture(this.search)
    if (availability.ok) {
      if (this.state === 'unavailable') this.state = 'off'
      this.problem = undefined
    } else {
      this.state = 'unavailable'
      this.problem = availability.problem
    }
    return availability.ok
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.work.then(task, task)
    this.work = run.catch(() => undefined)
    return run
  }

  /**
   * (Re)starts on every port the lab used; with no port yet, it waits for the first. A running
   * capture is replaced, not stopped first: it stops once the new one captures.
   */
  private async restart(bound?: 'rotate' | 'catch-up'): Promise<void> {
    if (!this.wanted || this.disposed) return
    const ports = [...this.ports].sort((a, b) => a - b)
    if (this.current && !bound && ports.every((p) => this.covers(this.current, p))) return
    if (ports.length === 0) {
      this.state = 'on'
      return
    }
    // "starting" only when nothing captures yet; a restart keeps the old capture going.
    if (!this.current) this.state = 'starting'
    this.problem = undefined
    const file = path.join(this.folder(), `capture-${++this.started}.pcapng`)
    // The ring lives here, across restarts: the capture's own keeps one packet.
    // The probe's port too: each capture measures the clocks anew (the system's clock may have been set).
    const probePort = await this.probe.open().catch(() => undefined)
    const wide = ports.length > MAX_FILTER_PORTS
    const capture = new PacketCapture({ ports: probePort ? [...ports, probePort] : ports, allPorts: wide, pcapngPath: file, ringSize: 1, search: this.search })
    const run: Run = { capture, ports, wide, file, kept: new FrameRanges(), conversations: new Map(), lastTime: 0, lastAt: Date.now(), parsed: 0, lastFrame: 0, sizes: [] }
    capture.on('packets', (batch) => this.take(batch, run))
    capture.once('end', (end) => this.ended(run, end))
    this.duplicates.add(run, Date.now() * 1000)
    try {
      await capture.start()
    } catch (err) {
      this.duplicates.remove(run)
      await this.endCurrent()
      this.state = 'unavailable'
      this.problem = err instanceof CaptureUnavailableError ? err.problem : captureProblem('failed', this.search.platform, (err as Error).message)
      this.wanted = false
      return
    }
    void capture.dissecting().then(() => (run.dissectingAt = Date.now()))
    const old = this.current
    this.current = run
    this.runs.push(run)
    this.state = 'on'
    this.costTimer ??= setInterval(() => void this.checkCost(), COST_CHECK_MS).unref()
    if (old) this.retire(old, run, bound)
    void this.probe.send()
  }

  /**
   * Keeps the bounds: a fresh capture takes over from one whose file or tshark has grown to its
   * limit, or whose tshark is behind a flood; old files go while all of them pass the disk bound.
   */
  private async checkCost(): Promise<void> {
    const run = this.current
    if (!run || !this.wanted) return
    await this.trimDisk()
    if (this.changing) return
    const size = (await fs.promises.stat(run.file).catch(() => null))?.size ?? 0
    const now = Date.now()
    run.sizes.push({ at: now, size })
    while (run.sizes.length > 2 && run.sizes[0].at < now - SIZE_HISTORY_MS) run.sizes.shift()
    const lagging = this.behind(run, now)
    if (!lagging && size < this.limits.rotateBytes && run.parsed < this.limits.rotatePackets) return
    if (this.current !== run || this.changing) return
    this.changing = true
    await this.serially(() => this.restart(lagging ? 'catch-up' : 'rotate')).finally(() => (this.changing = false))
  }

  /**
   * Whether tshark is more than maxLagMs behind: its file holds packets written more than maxLagMs
   * ago, after the newest packet it delivered (the file grew between the two). Asked once it has
   * dissected for maxLagMs (its start-up is not a lag).
   */
  private behind(run: Run, now: number): boolean {
    if (run.dissectingAt === undefined || now - run.dissectingAt < this.limits.maxLagMs) return false
    const delivered = Math.max(run.lastTime / 1000, run.capture.startedAt / 1000)
    const sizeAt = (t: number): number => {
      let size = run.sizes[0].size
      for (const s of run.sizes) if (s.at <= t) size = s.size
      return size
    }
    return sizeAt(now - this.limits.maxLagMs) - sizeAt(delivered + COST_CHECK_MS) > LAG_MIN_BYTES
  }

  /** Deletes the oldest finished capture files while all of them pass the disk bound; their packets leave the export. */
  private async trimDisk(): Promise<void> {
    const sizes = await Promise.all(this.runs.map((r) => fs.promises.stat(r.file).then((s) => s.size, () => 0)))
    let total = sizes.reduce((a, b) => a + b, 0)
    while (total > this.limits.diskBytes && this.runs.length > 0) {
      const oldest = this.runs[0]
      // A stopping capture's tshark reads its file by the handle it has (POSIX): it may go.
      if (oldest === this.current || (this.retiringRuns.has(oldest) && this.search.platform === 'win32')) break
      this.runs.shift()
      total -= sizes.shift()!
      oldest.deleted = true
      this.forgotten += oldest.kept.size
      await fs.promises.rm(oldest.file, { force: true })
    }
  }

  /**
   * Stops an old capture once its successor dissects (so the view goes on without a pause) and
   * it has delivered what it captured before the successor began: tshark stopped by a signal
   * leaves unprinted what it had not read yet, and only the old capture has those packets.
   */
  private retire(old: Run, successor: Run, bound?: 'rotate' | 'catch-up'): void {
    const skipAhead = bound === 'catch-up'
    const deadline = Date.now() + HANDOVER_TIMEOUT_MS
    this.retiringRuns.add(old)
    const handedOver = async (): Promise<void> => {
      // Behind a flood: the successor shows the newest packets once it dissects; the old one's
      // backlog is skipped, and its dumpcap stops writing now.
      if (skipAhead) return void (old.skipping = true)
      // Handing over for the disk or tshark's memory: the successor captures already, the old one
      // stops now and delivers what its tshark still has.
      if (bound === 'rotate') return
      await Promise.race([successor.capture.dissecting(), sleep(HANDOVER_TIMEOUT_MS)])
      const since = successor.capture.startedAt
      while (Date.now() < deadline && old.lastTime < since && Date.now() - old.lastAt < HANDOVER_QUIET_MS) await sleep(50)
    }
    const done = handedOver()
      .then(() => this.stopRun(old, skipAhead))
      .then(async () => {
        if (skipAhead) this.skipped += await countFramesAfter(old.file, old.lastFrame, successor.capture.startedAt, old.wide ? this.ports : undefined)
      })
      .finally(() => {
        this.retiring.delete(done)
        this.retiringRuns.delete(old)
      })
    this.retiring.add(done)
  }

  private async endCurrent(discard = false): Promise<void> {
    const current = this.current
    this.current = undefined
    if (current) await this.stopRun(current, discard)
    await Promise.all(this.retiring)
  }

  private async stopRun(run: Run, discard = false): Promise<void> {
    const end = await run.capture.stop({ discard })
    this.countDrops(end)
    this.duplicates.remove(run)
  }

  /** The tools ended by themselves (killed, or a failure): the view says why. */
  private ended(run: Run, end: CaptureEnd): void {
    if (this.current !== run) return
    this.current = undefined
    this.duplicates.remove(run)
    this.countDrops(end)
    this.wanted = false
    if (end.problem) {
      this.state = 'unavailable'
      this.problem = end.problem
    } else this.state = 'off'
  }

  private countDrops(end: CaptureEnd): void {
    this.dropped = this.dropped === null || end.dropped === null ? null : this.dropped + end.dropped
  }

  /** Drops the copies of packets another capture delivered, renumbers the rest as part of the session's one capture, keeps them, and hands them on. */
  private take(batch: WirePacket[], run: Run): void {
    if (run.skipping) return
    run.parsed += batch.length
    const fresh: WirePacket[] = []
    for (const p of batch) {
      run.lastFrame = p.no
      run.lastTime = Math.max(run.lastTime, p.time)
      run.lastAt = Date.now()
      // The probes are the lab's measurement, not its traffic: neither shown nor exported.
      if (this.probe.take(p)) continue
      // Other programs' packets, neither shown nor exported: a wide capture's, and those a named filter
      // lets through on the probe's port number, which TCP may use too (a browser's connection to the host).
      if (!this.ports.has(p.src.port) && !this.ports.has(p.dst.port)) continue
      if (!this.duplicates.admit(run, run.capture.digest(p), p.time)) continue
      run.kept.add(p.no)
      if (run.deleted) this.forgotten++
      p.conversation = this.sessionConversation(run, p)
      p.no = ++this.packets
      this.resets.label(p)
      this.ring.push(p)
      fresh.push(p)
    }
    if (fresh.length) this.emit('packets', fresh)
  }

  /**
   * The session's name for a packet's conversation. A conversation the new capture joins midway
   * (a TCP connection open across a restart, a UDP exchange whose reply came after it) keeps the
   * name it had, found by its addresses; a SYN opens a new one even on addresses used before.
   */
  private sessionConversation(run: Run, p: WirePacket): string {
    const known = run.conversations.get(p.conversation)
    if (known) return known
    const ends = [`${p.src.address}:${p.src.port}`, `${p.dst.address}:${p.dst.port}`].sort()
    const key = `${p.proto} ${ends.join(' ')}`
    const opens = p.proto === 'TCP' && p.flags.includes('SYN') && !p.flags.includes('ACK')
    const name = (!opens && this.named.get(key)) || `${p.proto} ${this.next[p.proto]++}`
    run.conversations.set(p.conversation, name)
    this.named.delete(key)
    this.named.set(key, name)
    if (this.named.size > MAX_NAMED) this.named.delete(this.named.keys().next().value!)
    return name
  }

  /** Whether the run captures this port: a wide one captures them all. */
  private covers(run: Run | undefined, port: number): boolean {
    return run !== undefined && (run.wide || run.ports.includes(port))
  }

  private folder(): string {
    this.dir ??= runFolder('capture')
    return this.dir
  }
}
