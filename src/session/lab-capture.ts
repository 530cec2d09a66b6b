// The window's capture of the lab's own traffic, shared by both hosts. It follows the lab: the
// ports are those its servers listen on and its clients connect to, and when a new one comes the
// capture restarts on all of them (before the endpoint uses it, where the host can wait for that).
// Ports are only ever added in a session, so a stopped server's last packets (its FIN, the ACKs of
// TIME_WAIT) are still captured. Packets of successive captures are numbered as one capture, in a
// ring of their own (never the lab's event ring), and the pcapng files become one export.

import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { EndpointConfig } from '../shared/contract'
import type { LabEvent } from '../shared/events'
import type { KernelTcpReading } from '../shared/kernel-tcp'
import type { CaptureProblem, CaptureStatus, WirePacket } from '../shared/wire'
import { checkCapture } from '../engine/capture/capture-check'
import { readKernelTcp } from '../engine/capture/kernel-tcp-state'
import { CaptureUnavailableError, DEFAULT_PACKET_RING, PacketCapture, type CaptureEnd } from '../engine/capture/packet-capture'
import { problem as captureProblem } from '../engine/capture/capture-problem'
import { hostSearch, type ToolSearch } from '../engine/capture/tools'
import type { Lab } from '../engine/lab'
import { Ring } from '../engine/ring'
import { parseCourseUrl } from '../engine/url'
import { joinSections } from './pcapng-file'

export interface LabCaptureOptions {
  search?: ToolSearch
  ringSize?: number
}

export interface LabCaptureEvents {
  packets: [WirePacket[]]
}

/** The ports an endpoint will use, known before it starts (port 0 is known only once bound). */
export function portsOfConfig(config: EndpointConfig): number[] {
  return 'port' in config && config.port > 0 ? [config.port] : []
}

/** The port an event shows the lab using: a server's bound port, the port a client talks to. */
export function portOfEvent(e: LabEvent): number | undefined {
  if ((e.kind === 'listen' || e.kind === 'bind') && e.local) return e.local.port
  if (e.role === 'client' && (e.kind === 'connect' || e.kind === 'send') && e.remote) return e.remote.port
  return undefined
}

/** The port an HTTP client's URL names (80 when it names none). */
export function portOfUrl(url: string): number | undefined {
  const parsed = parseCourseUrl(url)
  return 'error' in parsed ? undefined : parsed.port
}

/** Where numbering stands after the captures before the current one. */
interface Offsets {
  no: number
  TCP: number
  UDP: number
}

export class LabCapture extends EventEmitter<LabCaptureEvents> {
  private readonly ring: Ring<WirePacket>
  private readonly search: ToolSearch
  /** Every port the lab used this session. */
  private readonly ports = new Set<number>()
  private wanted = false
  private state: CaptureStatus['state'] = 'off'
  private problem?: CaptureProblem
  private current?: { capture: PacketCapture; ports: number[]; file: string; seen: Offsets }
  private base: Offsets = { no: 0, TCP: 0, UDP: 0 }
  private packets = 0
  private dropped: number | null = 0
  private readonly files: string[] = []
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
    lab.on('event', this.onEvent)
  }

  status(): CaptureStatus {
    return {
      state: this.state === 'on' && !this.capturesEveryPort() ? 'starting' : this.state,
      ports: this.current?.ports ?? (this.wanted ? [...this.ports].sort((a, b) => a - b) : []),
      problem: this.problem,
      packets: this.packets,
      dropped: this.dropped,
      labZero: this.lab.timeZeroEpochMicros
    }
  }

  /**
   * Whether every port the lab used is in the running capture. Not while a restart takes in a new
   * port: the old capture is stopped first, and for seconds nothing is captured on any port.
   */
  private capturesEveryPort(): boolean {
    return [...this.ports].every((p) => this.current?.ports.includes(p))
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

  /** An endpoint is about to use these ports: while capturing, they are captured before it does. */
  async cover(ports: readonly number[]): Promise<void> {
    const fresh = ports.filter((p) => p > 0 && !this.ports.has(p))
    for (const p of fresh) this.ports.add(p)
    if (!this.wanted || ports.every((p) => this.current?.ports.includes(p))) return
    await this.serially(() => this.restart())
  }

  history(): WirePacket[] {
    return this.ring.toArray()
  }

  /** The kernel's TCP sockets on every port the lab used this session. */
  async kernelState(): Promise<KernelTcpReading> {
    if (this.search.platform === 'linux' && this.ports.size === 0) return { exposed: true, sockets: [] }
    return readKernelTcp([...this.ports], this.search.platform)
  }

  /** Everything captured in this session as one pcapng file; null before the first packet. */
  async pcapng(): Promise<Buffer | null> {
    const files = await Promise.all(this.files.map((f) => fs.promises.readFile(f).catch(() => Buffer.alloc(0))))
    return this.packets > 0 ? joinSections(files) : null
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.lab.off('event', this.onEvent)
    this.wanted = false
    await this.serially(() => this.endCurrent())
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true })
  }

  private onEvent = (e: LabEvent): void => {
    const port = portOfEvent(e)
    // A server on port 0 is known only now; a client's port was covered before it started.
    if (port !== undefined && !this.ports.has(port)) void this.cover([port])
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

  /** (Re)starts on every port the lab used; with no port yet, it waits for the first. */
  private async restart(): Promise<void> {
    if (!this.wanted || this.disposed) return
    const ports = [...this.ports].sort((a, b) => a - b)
    if (this.current && ports.every((p) => this.current!.ports.includes(p))) return
    await this.endCurrent()
    if (ports.length === 0) {
      this.state = 'on'
      return
    }
    this.state = 'starting'
    this.problem = undefined
    const file = path.join(this.folder(), `capture-${this.files.length + 1}.pcapng`)
    // The ring lives here, across restarts: the capture's own keeps one packet.
    const capture = new PacketCapture({ ports, pcapngPath: file, ringSize: 1, search: this.search })
    const current = { capture, ports, file, seen: { ...this.base } }
    capture.on('packets', (batch) => this.take(batch, current.seen))
    capture.once('end', (end) => this.ended(capture, end))
    try {
      await capture.start()
    } catch (err) {
      this.state = 'unavailable'
      this.problem = err instanceof CaptureUnavailableError ? err.problem : captureProblem('failed', this.search.platform, (err as Error).message)
      this.wanted = false
      return
    }
    this.current = current
    this.files.push(file)
    this.state = 'on'
  }

  private async endCurrent(): Promise<void> {
    const current = this.current
    if (!current) return
    this.current = undefined
    const end = await current.capture.stop()
    this.countDrops(end)
    // The next capture's frames and conversations are numbered after this one's.
    this.base = { ...current.seen }
  }

  /** The tools ended by themselves (killed, or a failure): the view says why. */
  private ended(capture: PacketCapture, end: CaptureEnd): void {
    if (this.current?.capture !== capture) return
    this.base = { ...this.current.seen }
    this.current = undefined
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

  /** Renumbers a batch as part of the session's one capture, keeps it, and hands it on. */
  private take(batch: WirePacket[], seen: Offsets): void {
    const base = this.base
    for (const p of batch) {
      p.no += base.no
      seen.no = Math.max(seen.no, p.no)
      const [proto, n] = p.conversation.split(' ')
      const stream = Number(n) + base[p.proto]
      p.conversation = `${proto} ${stream}`
      seen[p.proto] = Math.max(seen[p.proto], stream + 1)
      this.ring.push(p)
    }
    this.packets += batch.length
    this.emit('packets', batch)
  }

  private folder(): string {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-capture-'))
    return this.dir
  }
}
