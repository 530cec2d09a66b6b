// `socklab watch -w FILE`: the packets saved to a pcapng file by a dumpcap of their own, beside the
// capture that shows them. dumpcap writes pcapng to its standard output and socklab writes it to
// the file, so a write that fails (a full USB stick, a disk that fills during the run) is known at
// that write, not when dumpcap flushes its buffer at the end; and it stops only the saving, never
// the lines on screen. Both captures have the same filter on the same interface: the file holds
// the packets shown.

import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { captureFilter } from '../engine/capture/capture-filter'
import { isCapturing } from '../engine/capture/capture-output'
import { classifyFailure, firstComplaint } from '../engine/capture/capture-problem'
import { CaptureUnavailableError } from '../engine/capture/packet-capture'
import { locateTools } from '../engine/capture/capture-check'
import { hostSearch, loopbackInterface } from '../engine/capture/tools'
import { toolWatchdog } from '../engine/capture/tool-watchdog'
import type { Family } from '../shared/events'
import { said, type Said } from '../shared/i18n/said'
import { SaidError, verbatim } from './words'

const START_TIMEOUT_MS = 20_000
/** dumpcap's kernel buffer for the saving capture, in MiB (as PacketCapture's own). */
const BUFFER_MIB = 16

/** The file exists and -w would replace it: refused without --force. */
export class FileExistsError extends SaidError {}

/**
 * Opens `file` for the save: a new file, or (with `force`) one that replaces the old. A device
 * (/dev/null, /dev/full) is written as it is. Fails with one sentence (a SaidError).
 */
export function openSaveFile(file: string, force: boolean): number {
  const device = checkSaveFile(file, force)
  try {
    // 'wx' fails if the file appeared meanwhile: never replaced without --force.
    return fs.openSync(file, device || force ? 'w' : 'wx', 0o644)
  } catch (err) {
    throw new SaidError(said('cli:save.cannot', { file, why: errorWords(err as NodeJS.ErrnoException) }))
  }
}

/** Fails if -w may not write `file` (a folder; an existing file without `force`); true for a device. */
export function checkSaveFile(file: string, force: boolean): boolean {
  const existing = fs.statSync(file, { throwIfNoEntry: false })
  if (existing?.isDirectory()) throw new SaidError(said('cli:save.cannot', { file, why: said('cli:save.why.folder') }))
  const device = existing !== undefined && !existing.isFile()
  if (existing && !device && !force) throw new FileExistsError(said('cli:save.exists', { file }))
  return device
}

/** What went wrong with a write or an open, in a few words (Node's own message for the rare others). */
export function errorWords(err: NodeJS.ErrnoException): Said {
  switch (err.code) {
    case 'ENOSPC':
      return said('cli:save.why.diskFull')
    case 'EDQUOT':
      return said('cli:save.why.quota')
    case 'EACCES':
    case 'EPERM':
      return said('cli:save.why.denied')
    case 'ENOENT':
      return said('cli:save.why.noFolder')
    case 'EROFS':
      return said('cli:save.why.readOnly')
    case 'EIO':
      return said('cli:save.why.io')
    default:
      return verbatim(err.message)
  }
}

export interface SaveEnd {
  /** Bytes written to the file. */
  bytes: number
  /** Set when saving stopped on its own: one sentence. */
  error?: Said
}

export class WatchSave {
  private dumpcap?: ChildProcess
  private fd?: number
  private bytes = 0
  private error?: Said
  private writing: Promise<void> = Promise.resolve()
  private exited?: Promise<void>
  private stopping = false
  private stderr = ''
  /** Called once, at once, when saving stops on its own (a write failed, dumpcap ended). */
  onError?: (sentence: Said) => void

  constructor(
    readonly file: string,
    private readonly ports: number[],
    private readonly families: Family[]
  ) {}

  /** Opens the file and resolves once its dumpcap captures; rejects with one sentence (CaptureUnavailableError when capture is impossible). */
  async start(force: boolean): Promise<void> {
    const search = hostSearch()
    const located = locateTools(search)
    if ('problem' in located) throw new CaptureUnavailableError(located.problem)
    this.fd = openSaveFile(this.file, force)
    const args = ['-q', '-i', loopbackInterface(search.platform), '-f', captureFilter(this.ports, this.families), '-B', String(BUFFER_MIB), '-w', '-']
    const dumpcap = spawn(located.tools.dumpcap, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    this.dumpcap = dumpcap
    toolWatchdog.guardProcess(dumpcap)
    process.once('exit', this.abandon)
    let spawnCode: string | undefined
    this.exited = new Promise((resolve) => {
      dumpcap.once('error', (err: NodeJS.ErrnoException) => {
        spawnCode = err.code
        if (dumpcap.pid === undefined) resolve()
      })
      dumpcap.once('close', () => resolve())
    })
    dumpcap.stdout!.on('data', (chunk: Buffer) => this.write(chunk))
    dumpcap.stderr!.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SaidError(said('cli:save.startTimeout', { seconds: START_TIMEOUT_MS / 1000 }))), START_TIMEOUT_MS)
      let started = false
      dumpcap.stderr!.on('data', (d: string) => {
        if (this.stderr.length < 8000) this.stderr += d
        if (!started && isCapturing(this.stderr)) {
          started = true
          clearTimeout(timer)
          resolve()
        }
      })
      void this.exited!.then(() => {
        clearTimeout(timer)
        if (!started) reject(new CaptureUnavailableError(classifyFailure(search.platform, this.stderr, spawnCode, { dumpcap: located.tools.dumpcap })))
        else if (!this.stopping) {
          // dumpcap's own complaint is its words, as it wrote them.
          const complaint = firstComplaint(this.stderr)
          this.fail(said('cli:save.stopped', { file: this.file, why: complaint ? verbatim(complaint) : said('cli:save.why.dumpcapEnded') }))
        }
      })
    }).catch(async (err) => {
      this.kill('SIGKILL')
      await this.exited
      this.close()
      throw err
    })
  }

  /** Stops saving; resolves once everything dumpcap wrote is in the file. */
  async stop(): Promise<SaveEnd> {
    this.stopping = true
    this.kill('SIGINT')
    await this.exited
    await this.writing
    this.close()
    return { bytes: this.bytes, error: this.error }
  }

  private write(chunk: Buffer): void {
    if (this.error !== undefined || this.fd === undefined) return
    const fd = this.fd
    // One write at a time, in order; each is checked as it happens.
    this.writing = this.writing.then(
      () =>
        new Promise<void>((resolve) => {
          const rest = (buf: Buffer): void => {
            if (this.error !== undefined) return resolve()
            fs.write(fd, buf, (err, written) => {
              if (err) {
                this.fail(said('cli:save.failed', { file: this.file, why: errorWords(err) }))
                return resolve()
              }
              this.bytes += written
              if (written < buf.length) rest(buf.subarray(written))
              else resolve()
            })
          }
          rest(chunk)
        })
    )
  }

  private fail(sentence: Said): void {
    if (this.error !== undefined) return
    this.error = sentence
    // Nothing more can be saved: its dumpcap stops; the capture on screen goes on.
    this.kill('SIGINT')
    this.onError?.(sentence)
  }

  private kill(sig: NodeJS.Signals): void {
    const d = this.dumpcap
    if (d && d.exitCode === null && d.signalCode === null) d.kill(sig)
  }

  private close(): void {
    process.off('exit', this.abandon)
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }

  /** This process exits now: its dumpcap must not capture on without it. */
  private readonly abandon = (): void => this.kill('SIGINT')
}
