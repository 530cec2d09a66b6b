// A live capture of the lab's ports on the loopback interface, with Wireshark's own tools:
//
//   dumpcap -i lo -f "<ports>" -w -  ──pcapng──▶  [this process]  ──▶  tshark -r - -T fields  ──lines──▶  parser
//                                                      └──▶ FILE.pcapng (when asked)
//
// dumpcap captures and reports its own drops; tshark dissects (relative seq/ack, window scaling,
// conversation numbers). Passing the pcapng through this process writes the export file with no
// temporary file growing behind tshark's back, however long a lab runs. Packets come out in
// batches (one per chunk tshark writes) and are kept in a ring of their own, so they never evict
// the lab's socket events.

import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import type { Family } from '../../../shared/events'
import type { CaptureProblem, CaptureSummary, Conversation, WirePacket } from '../../../shared/wire'
import { Ring } from '../ring'
import { locateTools } from './capture-check'
import { captureFilter } from './capture-filter'
import { classifyFailure, problem } from './capture-problem'
import { ConversationTracker } from './conversation-tracker'
import { droppedPackets, isCapturing } from './dumpcap-output'
import type { ToolSearch } from './tools'
import { hostSearch, loopbackInterface } from './tools'
import { parseFieldLine, tsharkArgs } from './tshark-fields'

/** Packets kept for the wire view; the oldest drop off. Separate from the lab's event ring. */
export const DEFAULT_PACKET_RING = 100_000
/** dumpcap's kernel buffer in MiB (its default is 2): a burst on loopback must not overflow it. */
const BUFFER_MIB = 16
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000

export interface CaptureOptions {
  /** The lab's ports: TCP and UDP on any of them are captured. */
  ports: number[]
  /** Default: both. */
  families?: Family[]
  /** Also write everything captured to this pcapng file (for Wireshark). */
  pcapngPath?: string
  ringSize?: number
  search?: ToolSearch
}

export interface CaptureEnd extends CaptureSummary {
  /** Set when the capture ended by itself, not by stop(): why, in one sentence. */
  problem?: CaptureProblem
}

export interface CaptureEvents {
  /** Newly captured packets, oldest first, already labelled by the conversation tracker. */
  packets: [WirePacket[]]
  /** The capture is over (stop() or the tools ended); sent once. */
  end: [CaptureEnd]
}

/** start() fails with this when capture is impossible; `problem.message` is the sentence to show. */
export class CaptureUnavailableError extends Error {
  constructor(readonly problem: CaptureProblem) {
    super(problem.message)
  }
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'ended'

export class PacketCapture extends EventEmitter<CaptureEvents> {
  private readonly ring: Ring<WirePacket>
  private readonly tracker: ConversationTracker
  private readonly search: ToolSearch
  private dumpcap?: ChildProcess
  private tshark?: ChildProcess
  private file?: fs.WriteStream
  private phase: Phase = 'idle'
  private dumpcapErr = ''
  private tsharkErr = ''
  private partial = ''
  private parsed = 0
  private stopRequested = false
  private rejectStart?: (err: Error) => void
  private ended?: Promise<CaptureEnd>
  /** When the capture went live: microseconds since the epoch, the packets' clock. */
  startedAt = 0

  constructor(readonly options: CaptureOptions) {
    super()
    this.ring = new Ring(options.ringSize ?? DEFAULT_PACKET_RING)
    this.tracker = new ConversationTracker(options.ports)
    this.search = options.search ?? hostSearch()
  }

  /** Resolves once packets on the ports are being captured; rejects with CaptureUnavailableError. */
  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error('a capture starts once')
    this.phase = 'starting'
    const filter = captureFilter(this.options.ports, this.options.families)
    const located = locateTools(this.search)
    if ('problem' in located) throw this.fail(located.problem)
    if (this.options.pcapngPath) this.file = await openForWriting(this.options.pcapngPath).catch((err: Error) => Promise.reject(this.fail(problem('failed', this.search.platform, err.message))))

    const iface = loopbackInterface(this.search.platform)
    const dumpcap = spawn(located.tools.dumpcap, ['-i', iface, '-f', filter, '-B', String(BUFFER_MIB), '-w', '-'], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const tshark = spawn(located.tools.tshark, tsharkArgs('-'), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
    this.dumpcap = dumpcap
    this.tshark = tshark
    dumpcap.stdout!.pipe(tshark.stdin!)
    if (this.file) dumpcap.stdout!.pipe(this.file)
    // tshark gone early closes its stdin: dumpcap's data then has nowhere to go; the exit handler reports it.
    tshark.stdin!.on('error', () => {})
    tshark.stdout!.setEncoding('utf8')
    tshark.stdout!.on('data', (chunk: string) => this.onLines(chunk))
    tshark.stderr!.setEncoding('utf8')
    tshark.stderr!.on('data', (d: string) => (this.tsharkErr = (this.tsharkErr + d).slice(-4000)))
    dumpcap.stderr!.setEncoding('utf8')

    // tshark gone (failed, or done after dumpcap) leaves dumpcap nobody to write to: end it too.
    const exits = Promise.all([exitOf(dumpcap), exitOf(tshark, () => this.onLines('', true)).finally(() => signal(dumpcap, 'SIGKILL'))])
    this.ended = exits.then(([[dumpcapExit, spawnError]]) => this.finish(dumpcapExit, spawnError))

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rejectStart?.(this.fail(problem('failed', this.search.platform, `dumpcap did not start capturing within ${START_TIMEOUT_MS / 1000} s`)))
        this.kill()
      }, START_TIMEOUT_MS)
      this.rejectStart = (err) => {
        clearTimeout(timer)
        this.rejectStart = undefined
        reject(err)
      }
      dumpcap.stderr!.on('data', (d: string) => {
        this.dumpcapErr = (this.dumpcapErr + d).slice(-8000)
        if (this.phase === 'starting' && isCapturing(this.dumpcapErr)) {
          clearTimeout(timer)
          this.rejectStart = undefined
          this.phase = 'running'
          this.startedAt = Date.now() * 1000
          resolve()
        }
      })
    })
  }

  /** Stops capturing; resolves with the summary once every packet the tools had is parsed. Safe to call twice. */
  async stop(): Promise<CaptureEnd> {
    if (!this.ended) return { ...this.summary(), dropped: null }
    this.stopRequested = true
    if (this.phase === 'running' || this.phase === 'starting') {
      this.phase = 'stopping'
      // SIGINT is dumpcap's Ctrl-C: it writes its last packets and its counts, then exits, which
      // ends tshark's input. (Windows has no SIGINT for it: it is terminated, and drops are unknown.)
      signal(this.dumpcap, this.search.platform === 'win32' ? 'SIGTERM' : 'SIGINT')
      const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS)
      const end = await this.ended
      clearTimeout(timer)
      return end
    }
    return this.ended
  }

  /** The packets still in the ring, oldest first. */
  history(): WirePacket[] {
    return this.ring.toArray()
  }

  conversations(): Conversation[] {
    return this.tracker.conversations()
  }

  conversation(id: string): Conversation | undefined {
    return this.tracker.get(id)
  }

  get running(): boolean {
    return this.phase === 'running'
  }

  private summary(): Omit<CaptureSummary, 'dropped'> {
    const counts = this.tracker.counts()
    return { packets: this.parsed, tcpConnections: counts.tcp, udpExchanges: counts.udp }
  }

  private onLines(chunk: string, last = false): void {
    const text = this.partial + chunk
    const lines = text.split('\n')
    this.partial = last ? '' : (lines.pop() ?? '')
    const batch: WirePacket[] = []
    for (const line of lines) {
      const p = parseFieldLine(line)
      if (!p) continue
      this.tracker.track(p)
      this.ring.push(p)
      batch.push(p)
    }
    this.parsed += batch.length
    if (batch.length) this.emit('packets', batch)
  }

  private async finish(dumpcapExit: number | null, spawnError: string | undefined): Promise<CaptureEnd> {
    const phase = this.phase
    this.phase = 'ended'
    if (this.file) await new Promise((resolve) => this.file!.end(resolve))
    const end: CaptureEnd = { ...this.summary(), dropped: droppedPackets(this.dumpcapErr) }
    // Never went live: start() reports why (or has already, after its timeout); there is nothing to end.
    if (phase === 'starting') {
      this.rejectStart?.(this.fail(classifyFailure(this.search.platform, this.dumpcapErr || this.tsharkErr, spawnError)))
      return end
    }
    if (phase === 'ended') return end
    // stop() while start() still waited: start() must not wait forever.
    this.rejectStart?.(new CaptureUnavailableError(problem('failed', this.search.platform, 'the capture was stopped before it started')))
    if (!this.stopRequested) {
      const said = this.dumpcapErr && dumpcapExit !== 0 ? this.dumpcapErr : this.tsharkErr
      end.problem = classifyFailure(this.search.platform, said)
    }
    this.emit('end', end)
    return end
  }

  private fail(p: CaptureProblem): CaptureUnavailableError {
    this.phase = 'ended'
    return new CaptureUnavailableError(p)
  }

  private kill(): void {
    signal(this.dumpcap, 'SIGKILL')
    signal(this.tshark, 'SIGKILL')
  }
}

function signal(child: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill(sig)
}

/** Resolves with the exit code and, if it could not be started, Node's error code (ENOENT...). */
function exitOf(child: ChildProcess, onClose?: () => void): Promise<[number | null, string | undefined]> {
  return new Promise((resolve) => {
    let spawnError: string | undefined
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err.code
      // A child that never started emits no 'close'.
      if (child.pid === undefined) resolve([null, spawnError])
    })
    // 'close' comes after its output has been read to the end.
    child.once('close', (code) => {
      onClose?.()
      resolve([code, spawnError])
    })
  })
}

function openForWriting(file: string): Promise<fs.WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = fs.createWriteStream(file)
    stream.once('open', () => resolve(stream))
    stream.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot write ${file}: ${err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EACCES' ? 'permission denied' : err.message}`)))
  })
}
