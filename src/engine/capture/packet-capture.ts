// A live capture of the lab's ports on the loopback interface, with Wireshark's own tools:
//
//   dumpcap -i lo -f "<ports>" -w FIFO  ──pcapng──▶  tshark -r FIFO -T fields ...  ──lines──▶  parser ──▶ tracker ──▶ batches
//
// dumpcap captures (and counts its drops) from the moment start() resolves, within milliseconds;
// tshark takes seconds to set up its dissectors and then reads what the pipe held: relative
// seq/ack, window scaling, conversation numbers. With an export file (and on Windows, which has no
// FIFO for dumpcap) tshark captures by itself, `tshark -i lo -f ... -w FILE.pcapng -P`, and start()
// waits for it: it writes the export packet for packet what was parsed. Packets come out in
// batches, one per chunk tshark writes, and are kept in a ring of their own, so they never evict
// the lab's socket events.

import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { constants as fsConstants } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Family } from '../../shared/events'
import type { CaptureProblem, CaptureSummary, Conversation, WirePacket } from '../../shared/wire'
import { Ring } from '../ring'
import { locateTools } from './capture-check'
import { captureFilter } from './capture-filter'
import { droppedPackets, isCapturing, saidCapturingOn } from './capture-output'
import { classifyFailure, problem, problemEnglish } from './capture-problem'
import { ConversationTracker } from './conversation-tracker'
import { FeedError, LoopbackFeed } from './loopback-feed'
import type { ToolSearch } from './tools'
import { hostSearch, loopbackInterface } from './tools'
import { OWN_GROUP, toolWatchdog } from './tool-watchdog'
import { frameDigest, outputArgs, parsePacketFields, splitFieldLine } from './tshark-fields'

/** Packets kept for the wire view; the oldest drop off. Separate from the lab's event ring. */
export const DEFAULT_PACKET_RING = 100_000
/** The kernel's capture buffer in MiB when tshark captures itself (dumpcap's default is 2): a burst on loopback must not overflow it. */
const BUFFER_MIB = 16
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000
/**
 * tshark before 4.0 logs nothing between "Capturing on" and the first packet. With an export file
 * its dumpcap shows it captures by writing the file's header (after the filter is in the kernel);
 * without one (Windows), if it has not failed this long after saying it, it is taken to capture.
 * Never a timer where there is a file: on a loaded PC dumpcap may take seconds after "Capturing
 * on", and a "Watching" said before it captures misses the first exchange.
 */
const QUIET_START_MS = 1500
const FILE_POLL_MS = 50
/** A pcapng file's Section Header Block is at least this long. */
const MIN_PCAPNG_BYTES = 28

export interface CaptureOptions {
  /** The lab's ports: TCP and UDP on any of them are captured. */
  ports: number[]
  /** Capture every TCP/UDP packet instead (a filter of fixed size): the caller selects `ports` from them. */
  allPorts?: boolean
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
  /** The capture is over (stop() or the tools ended); sent once, and only after a successful start(). */
  end: [CaptureEnd]
}

/** start() fails with this when capture is impossible; `problem.said` is the sentence to show (the message is its English). */
export class CaptureUnavailableError extends Error {
  constructor(readonly problem: CaptureProblem) {
    super(problemEnglish(problem))
  }
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'ended'

export class PacketCapture extends EventEmitter<CaptureEvents> {
  private readonly ring: Ring<WirePacket>
  private readonly tracker: ConversationTracker
  private readonly search: ToolSearch
  private tshark?: ChildProcess
  private feed?: LoopbackFeed
  /** The dumpcap tried, named in a remedy that needs its file (a copy outside Debian's package). */
  private dumpcap?: string
  /**
   * Resolves once tshark reads the capture: it has delivered a packet (`tshark -r` says nothing
   * when it opens the pipe), said it captures (on its own), or ended.
   */
  private tsharkReads?: Promise<void>
  private onFirstPacket?: () => void
  private readonly digests = new WeakMap<WirePacket, string>()
  private phase: Phase = 'idle'
  private stderr = ''
  private partial = ''
  private parsed = 0
  private ended?: Promise<CaptureEnd>
  private settleStart?: (err?: Error) => void
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
    const platform = this.search.platform
    const filter = captureFilter(this.options.allPorts ? 'all' : this.options.ports, this.options.families)
    const located = locateTools(this.search)
    if ('problem' in located) throw this.fail(located.problem)
    const file = this.options.pcapngPath
    if (file) await ensureWritable(file).catch((err: Error) => Promise.reject(this.fail(problem('failed', platform, err.message))))

    const iface = loopbackInterface(platform)
    // Where the platform has FIFOs, dumpcap captures now and tshark catches up (see LoopbackFeed).
    // Not with an export file: `tshark -r` writes it only when its buffer is full (the lab exports
    // while it captures), and `tshark -i FIFO` adds a dumpcap that halves a flood's rate on two cores.
    const feed = platform === 'win32' || file ? undefined : new LoopbackFeed(located.tools.dumpcap, iface, filter)
    this.dumpcap = located.tools.dumpcap
    if (feed) {
      await feed.start(START_TIMEOUT_MS).catch((err: unknown) => {
        const f = err instanceof FeedError ? err : new FeedError((err as Error).message)
        throw this.fail(f.sentence ? problem('failed', platform, f.sentence) : classifyFailure(platform, f.stderr, f.spawnCode, { dumpcap: located.tools.dumpcap }))
      })
      this.feed = feed
    }
    const source = feed ? ['-r', feed.fifo] : ['-i', iface, '-f', filter, '-B', String(BUFFER_MIB)]
    const args = [...source, ...(file ? ['-w', file, '-P'] : []), ...outputArgs()]
    const spawnedAt = Date.now()
    // Its own process group: a tshark that captures starts a dumpcap of its own, which must end with it however it ends.
    const tshark = spawn(located.tools.tshark, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...OWN_GROUP })
    this.tshark = tshark
    toolWatchdog.guardProcess(tshark, { group: true })
    process.once('exit', this.abandon)
    tshark.stdout!.setEncoding('utf8')
    tshark.stdout!.on('data', (chunk: string) => this.onOutput(chunk))
    tshark.stderr!.setEncoding('utf8')
    this.ended = exitOf(tshark, () => this.onOutput('', true)).then(([code, spawnError]) => this.finish(code, spawnError))
    let reads!: () => void
    this.tsharkReads = new Promise<void>((resolve) => (reads = resolve))
    this.onFirstPacket = reads
    // tshark gone: nothing more will open the pipe.
    void this.ended.then(() => reads())
    // dumpcap ended by itself (killed): tshark reads to the end of the pipe and ends too.
    feed?.onExit(() => void this.feedRead(feed).then(() => feed.release()))

    await new Promise<void>((resolve, reject) => {
      let quiet: NodeJS.Timeout | undefined
      let waiting = false
      const waitQuietly = (): void => {
        if (!file) quiet = setTimeout(() => this.settleStart?.(), QUIET_START_MS)
        else {
          const poll = async (): Promise<void> => {
            const written = await rewrittenSince(file, spawnedAt)
            // Settled meanwhile ("File:", a failure, the time-out): nothing more to watch for.
            if (!this.settleStart) return
            if (written) this.settleStart()
            else quiet = setTimeout(() => void poll(), FILE_POLL_MS)
          }
          void poll()
        }
      }
      const timer = setTimeout(() => {
        this.settleStart?.(this.fail(problem('failed', platform, `tshark did not start capturing within ${START_TIMEOUT_MS / 1000} s`)))
        signal(tshark, 'SIGKILL')
      }, START_TIMEOUT_MS)
      this.settleStart = (err) => {
        clearTimeout(timer)
        clearTimeout(quiet)
        this.settleStart = undefined
        if (err) return reject(err)
        this.phase = 'running'
        this.startedAt = Date.now() * 1000
        resolve()
      }
      // The feed captures already: tshark's start-up is no longer the capture's.
      if (feed) this.settleStart()
      tshark.stderr!.on('data', (d: string) => {
        // Keep the head (what went wrong first) and the tail (the final counts).
        this.stderr = this.stderr.length < 8000 ? this.stderr + d : this.stderr.slice(0, 4000) + this.stderr.slice(-4000 + d.length) + d
        if (isCapturing(this.stderr)) reads()
        if (this.phase !== 'starting') return
        if (isCapturing(this.stderr)) this.settleStart?.()
        else if (saidCapturingOn(this.stderr) && !waiting) {
          waiting = true
          waitQuietly()
        }
      })
    })
  }

  /**
   * Stops capturing; resolves with the summary once every packet tshark had is parsed. Safe to call
   * twice. `discard`: what tshark has not printed yet is not wanted (a successor captures on): its
   * output is closed, so it ends at its next line instead of dissecting a flood's backlog.
   */
  async stop(options: { discard?: boolean } = {}): Promise<CaptureEnd> {
    if (!this.ended) return { ...this.summary(), dropped: null }
    if (this.phase === 'running' || this.phase === 'starting') {
      this.phase = 'stopping'
      if (options.discard) this.tshark?.stdout?.destroy()
      // SIGINT is tshark's Ctrl-C: it stops dumpcap, prints what it still has and its counts.
      // (Windows has no SIGINT for it: it is terminated, and the drop count is unknown.)
      const timer = setTimeout(() => signal(this.tshark, 'SIGKILL'), STOP_TIMEOUT_MS + (this.feed ? START_TIMEOUT_MS : 0))
      if (this.feed) {
        // dumpcap stops and counts; tshark (once it has the pipe) reads what it held, and ends.
        await this.feed.stop(() => this.feedRead(this.feed!))
      } else signal(this.tshark, this.search.platform === 'win32' ? 'SIGTERM' : 'SIGINT')
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

  /** Resolves once tshark reads the capture (it may take seconds after start()): it delivered a packet, or ended. */
  dissecting(): Promise<void> {
    return this.tsharkReads ?? Promise.resolve()
  }

  /**
   * Resolves when the pipe may be let go once dumpcap has ended: nothing was captured, or tshark
   * has it open (it delivered a packet), or it did not come to it within the start time-out.
   */
  private feedRead(feed: LoopbackFeed): Promise<void> {
    if (feed.captured() === 0) return Promise.resolve()
    const waited = new Promise<void>((resolve) => setTimeout(resolve, START_TIMEOUT_MS).unref())
    return Promise.race([this.tsharkReads!, waited])
  }

  /** The packet's frame digest (see frameDigest), for telling the same packet in two captures. */
  digest(p: WirePacket): string | undefined {
    return this.digests.get(p)
  }

  get running(): boolean {
    return this.phase === 'running'
  }

  private summary(): Omit<CaptureSummary, 'dropped'> {
    const counts = this.tracker.counts()
    return { packets: this.parsed, tcpConnections: counts.tcp, udpExchanges: counts.udp }
  }

  private onOutput(chunk: string, last = false): void {
    const lines = (this.partial + chunk).split('\n')
    this.partial = last ? '' : (lines.pop() ?? '')
    const batch: WirePacket[] = []
    for (const line of lines) {
      const fields = splitFieldLine(line)
      const p = parsePacketFields(fields)
      if (!p) continue
      const digest = frameDigest(fields)
      if (digest) this.digests.set(p, digest)
      this.tracker.track(p)
      this.ring.push(p)
      batch.push(p)
    }
    this.parsed += batch.length
    if (batch.length) {
      this.onFirstPacket?.()
      this.emit('packets', batch)
    }
  }

  private finish(code: number | null, spawnError: string | undefined): CaptureEnd {
    const phase = this.phase
    this.phase = 'ended'
    // The feed's dumpcap counts the drops of the capture itself; tshark's pipe drops nothing.
    const said = (this.feed?.stderr ?? '') + this.stderr
    const end: CaptureEnd = { ...this.summary(), dropped: droppedPackets(said) }
    this.feed?.release()
    process.off('exit', this.abandon)
    if (phase === 'starting') {
      // Never went live: start() says why, and there is nothing to end.
      this.settleStart?.(this.fail(classifyFailure(this.search.platform, said, spawnError, { dumpcap: this.dumpcap })))
      return end
    }
    if (phase === 'ended') return end
    // Ended without stop(): a failure, unless it was told to stop some other way (a terminal's
    // Ctrl-C reaches tshark too) and finished as usual, with its counts.
    if (phase === 'running' && (code !== 0 || end.dropped === null)) end.problem = classifyFailure(this.search.platform, said, spawnError, { dumpcap: this.dumpcap })
    this.emit('end', end)
    return end
  }

  /** This process exits now (an error, a closed terminal): the tools must not capture on without it. */
  private readonly abandon = (): void => {
    this.feed?.abandon()
    signal(this.tshark, 'SIGINT')
  }

  private fail(p: CaptureProblem): CaptureUnavailableError {
    this.phase = 'ended'
    return new CaptureUnavailableError(p)
  }
}

function signal(child: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill(sig)
}

/** Resolves once the child is gone and its output read to the end: its exit code, and Node's error code if it never started. */
function exitOf(child: ChildProcess, onClose: () => void): Promise<[number | null, string | undefined]> {
  return new Promise((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      // A child that never started emits no 'close'.
      if (child.pid === undefined) resolve([null, err.code])
    })
    child.once('close', (code) => {
      onClose()
      resolve([code, undefined])
    })
  })
}

/** Whether dumpcap has (re)written the export file since `sinceMs`: it did so once it captures. */
async function rewrittenSince(file: string, sinceMs: number): Promise<boolean> {
  const s = await fs.stat(file).catch(() => null)
  // ctime changes when the file is truncated or created; mtime alone may be coarse on some filesystems.
  return s !== null && s.size >= MIN_PCAPNG_BYTES && Math.max(s.ctimeMs, s.mtimeMs) >= sinceMs
}

/**
 * Fails with a sentence when the export file could not be written (tshark's own complaint is
 * long). Checked without creating or truncating anything: a capture that then cannot start
 * leaves an existing file as it was.
 */
async function ensureWritable(file: string): Promise<void> {
  const why = (err: unknown, what: string): Error => {
    const code = (err as NodeJS.ErrnoException).code
    return new Error(`cannot write ${file}: ${code === 'ENOENT' ? `${what} does not exist` : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message}`)
  }
  const existing = await fs.stat(file).catch(() => null)
  if (existing?.isDirectory()) throw new Error(`cannot write ${file}: it is a folder`)
  const target = existing ? file : path.dirname(file)
  try {
    await fs.access(target, fsConstants.W_OK)
  } catch (err) {
    throw why(err, 'its folder')
  }
}
