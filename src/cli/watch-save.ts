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

const START_TIMEOUT_MS = 20_000
/** dumpcap's kernel buffer for the saving capture, in MiB (as PacketCapture's own). */
const BUFFER_MIB = 16

/** The file exists and -w would replace it: refused without --force. */
export class FileExistsError extends Error {}

/**
 * Opens `file` for the save: a new file, or (with `force`) one that replaces the old. A device
 * (/dev/null, /dev/full) is written as it is. Fails with one sentence.
 */
export function openSaveFile(file: string, force: boolean): number {
  const device = checkSaveFile(file, force)
  try {
    // 'wx' fails if the file appeared meanwhile: never replaced without --force.
    return fs.openSync(file, device || force ? 'w' : 'wx', 0o644)
  } catch (err) {
    throw new Error(`cannot save to ${file}: ${errorWords(err as NodeJS.ErrnoException)}`)
  }
}

/** Fails if -w may not write `file` (a folder; an existing file without `force`); true for a device. */
export function checkSaveFile(file: string, force: boolean): boolean {
  const existing = fs.statSync(file, { throwIfNoEntry: false })
  if (existing?.isDirectory()) throw new Error(`cannot save to ${file}: it is a folder`)
  const device = existing !== undefined && !existing.isFile()
  if (existing && !device && !force) throw new FileExistsError(`${file} already exists: add --force to replace it, or name another file`)
  return device
}

/** What went wrong with a write or an open, in a few words. */
export function errorWords(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
      return 'its disk is full'
    case 'EDQUOT':
      return 'your disk quota is used up'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOENT':
      return 'its folder does not exist'
    case 'EROFS':
      return 'its disk is read-only'
    case 'EIO':
      return 'the device reported an input/output error (was it removed?)'
    default:
      return err.message
  }
}

export interface SaveEnd {
  /** Bytes written to the file. */
  bytes: number
  /** Set when saving stopped on its own: one sentence. */
  error?: string
}

export class WatchSave {
  private dumpcap?: ChildProcess
  private fd?: number
  private bytes = 0
  private error?: string
  private writing: Promise<void> = Promise.resolve()
  private exited?: Promise<void>
  private stopping = false
  private stderr = ''
  /** Called once, at once, when saving stops on its own (a write failed, dumpcap ended). */
  onError?: (sentence: string) => void

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
      const timer = setTimeout(() => reject(new Error(`dumpcap did not start saving within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
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
        else if (!this.stopping) this.fail(`saving to ${this.file} stopped: ${firstComplaint(this.stderr) || 'its dumpcap ended'}; the packets still show here, but are no longer saved`)
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
                this.fail(`cannot save to ${this.file}: ${errorWords(err)}; the packets still show here, but are no longer saved`)
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

  private fail(sentence: string): void {
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
