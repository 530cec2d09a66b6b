// dumpcap capturing the loopback interface into a named pipe, for tshark to read when it is ready.
// Its kernel buffer holds what comes while tshark starts (a flood of 25,000 packets/s included).
//
// tshark needs seconds to set up its thousands of dissectors (more on a loaded machine); dumpcap
// opens the interface and puts the filter in the kernel in milliseconds. So dumpcap captures from
// the start, the pipe (and the kernel's buffer behind it) holds the packets, and tshark dissects
// them once it is up: nothing sent after start() resolves is missed. Node's own child pipes are
// sockets, which tshark refuses to read; a FIFO is a real pipe. POSIX only: Windows has no FIFO
// that dumpcap writes, and there tshark captures by itself.

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { isCapturing } from './capture-output'
import { removeRunFolder, runFolder } from './run-folders'
import { toolWatchdog } from './tool-watchdog'

/**
 * The kernel's capture buffer in MiB (dumpcap's default is 2): it holds the packets of the
 * seconds tshark takes to start, a loopback flood too (16 MiB dropped half of the bench's).
 */
const FEED_BUFFER_MIB = 64

export class LoopbackFeed {
  readonly fifo: string
  private readonly dir: string
  private dumpcap?: ChildProcess
  /** Held open read-write so that dumpcap's open for writing returns before tshark reads. */
  private holder?: number
  private exited?: Promise<void>
  stderr = ''

  constructor(
    private readonly dumpcapPath: string,
    private readonly iface: string,
    private readonly filter: string
  ) {
    this.dir = runFolder('feed')
    this.fifo = path.join(this.dir, 'loopback.pcapng')
  }

  /** Resolves once dumpcap captures; rejects with the stderr it printed (or Node's spawn error) when it cannot. */
  async start(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve, reject) => execFile('mkfifo', ['-m', '600', this.fifo], (err) => (err ? reject(new FeedError(`cannot make a pipe for dumpcap: ${err.message}`)) : resolve())))
    this.holder = fs.openSync(this.fifo, fs.constants.O_RDWR)
    const dumpcap = spawn(this.dumpcapPath, ['-q', '-i', this.iface, '-f', this.filter, '-B', String(FEED_BUFFER_MIB), '-w', this.fifo], { stdio: ['ignore', 'ignore', 'pipe'] })
    this.dumpcap = dumpcap
    toolWatchdog.guardProcess(dumpcap)
    dumpcap.stderr!.setEncoding('utf8')
    let spawnError: string | undefined
    this.exited = new Promise((resolve) => {
      dumpcap.once('error', (err: NodeJS.ErrnoException) => {
        spawnError = err.code
        if (dumpcap.pid === undefined) resolve()
      })
      dumpcap.once('close', () => resolve())
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        dumpcap.kill('SIGKILL')
        reject(new FeedError(`dumpcap did not start capturing within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      dumpcap.stderr!.on('data', (d: string) => {
        // Keep the head (what went wrong first) and the tail (the final counts).
        this.stderr = this.stderr.length < 8000 ? this.stderr + d : this.stderr.slice(0, 4000) + this.stderr.slice(-4000 + d.length) + d
        if (isCapturing(this.stderr)) {
          clearTimeout(timer)
          resolve()
        }
      })
      void this.exited!.then(() => {
        clearTimeout(timer)
        reject(new FeedError(undefined, this.stderr, spawnError))
      })
    }).catch((err) => {
      this.release()
      throw err
    })
  }

  /** Called once dumpcap ends by itself (killed, or a failure): the reader then gets the end of the pipe. */
  onExit(listener: () => void): void {
    void this.exited?.then(listener)
  }

  /**
   * Stops dumpcap (it prints its counts), then, once `readerHasIt` says tshark has the pipe open
   * (or there is nothing to lose), lets go of it: tshark reads to the end and ends by itself.
   */
  async stop(readerHasIt: () => Promise<unknown>): Promise<void> {
    if (this.dumpcap && this.dumpcap.exitCode === null && this.dumpcap.signalCode === null) this.dumpcap.kill('SIGINT')
    await this.exited
    // A pipe nobody holds loses what it buffered: wait for the reader before letting go.
    await readerHasIt()
    this.release()
  }

  /** How many packets dumpcap captured, from its last words once it has ended; null if it did not say. */
  captured(): number | null {
    const m = /^Packets captured: (\d+)/m.exec(this.stderr)
    return m ? Number(m[1]) : null
  }

  /** For a process that is exiting now: dumpcap must not go on capturing without it. */
  abandon(): void {
    if (this.dumpcap && this.dumpcap.exitCode === null && this.dumpcap.signalCode === null) this.dumpcap.kill('SIGINT')
    this.release()
  }

  /** Lets go of the pipe and removes it. */
  release(): void {
    if (this.holder !== undefined) fs.closeSync(this.holder)
    this.holder = undefined
    removeRunFolder(this.dir)
  }
}

/** dumpcap could not start: its own words (for classifyFailure), or a sentence of ours. */
export class FeedError extends Error {
  constructor(
    readonly sentence?: string,
    readonly stderr = '',
    readonly spawnCode?: string
  ) {
    super(sentence ?? 'dumpcap ended before capturing')
  }
}
