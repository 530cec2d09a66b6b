// `socklab watch`: the real packets on some ports, one line each (the wire view's columns and
// words), until Ctrl-C, Ctrl-D or the end of standard input; then a summary with the capture's
// own drop count. Works on any program's traffic, not only socklab's: a student's TCPServer.py
// on 12000 is watched with `socklab watch -p 12000`.

import fs from 'node:fs'
import path from 'node:path'
import type { Family } from '../shared/events'
import { DEFAULT_PORT } from '../shared/address'
import { summaryLine, wireLine, type WirePacket } from '../shared/wire'
import { said } from '../shared/i18n/said'
import { CaptureUnavailableError, PacketCapture, type CaptureEnd } from '../engine/capture/packet-capture'
import { loopbackInterface } from '../engine/capture/tools'
import { removeStaleFolders } from '../engine/capture/run-folders'
import { commonOptionLines, optionLine, parseCommandLine, UsageError } from './args'
import { cliT, cliWords, spoken } from './words'
import { checkSaveFile, FileExistsError, WatchSave } from './watch-save'

export interface WatchOptions {
  help: boolean
  ports: number[]
  families: Family[]
  pcapngPath?: string
  /** -w may replace an existing file. */
  force: boolean
}

/**
 * Exit status when this machine cannot capture (tools missing, no permission, no loopback
 * interface): not 2, which is a usage error everywhere in the CLI, nor 1, a capture that failed
 * while running. A lab technician's script can tell "set up capture on this PC" apart.
 */
export const EXIT_CANNOT_CAPTURE = 3

export function parseWatchOptions(argv: string[]): WatchOptions {
  const parsed = parseCommandLine('watch', argv, {
    help: { type: 'boolean', short: 'h' },
    port: { type: 'string', short: 'p', multiple: true },
    ipv4: { type: 'boolean', short: '4' },
    ipv6: { type: 'boolean', short: '6' },
    write: { type: 'string', short: 'w' },
    force: { type: 'boolean' }
  })
  const v = parsed.values as { help?: boolean; port?: string[]; ipv4?: boolean; ipv6?: boolean; write?: string; force?: boolean }
  const ports = (v.port ?? [String(DEFAULT_PORT)]).map((text) => {
    // Watching binds nothing, so any port may be watched (a web server on 80 too).
    const n = Number(text)
    if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw new UsageError(said('cli:watch.errors.port', { text }))
    return n
  })
  if (v.ipv4 && v.ipv6) throw new UsageError(said('cli:watch.errors.bothFamilies'))
  const families: Family[] = v.ipv6 ? ['IPv6'] : v.ipv4 ? ['IPv4'] : ['IPv4', 'IPv6']
  // A device (/dev/null, a tape) is written as it is, whatever its name.
  if (v.write !== undefined && !v.write.toLowerCase().endsWith('.pcapng') && !isDevice(v.write)) throw new UsageError(said('cli:watch.errors.notPcapng', { file: v.write }))
  if (v.force && v.write === undefined) throw new UsageError(said('cli:watch.errors.forceAlone'))
  return { help: v.help === true, ports: [...new Set(ports)], families, pcapngPath: v.write, force: v.force === true }
}

function isDevice(file: string): boolean {
  const s = fs.statSync(file, { throwIfNoEntry: false })
  return s !== undefined && !s.isFile() && !s.isDirectory()
}

export function watchUsage(): string {
  const t = cliWords()
  const file = t('cli:usage.meta.file')
  const port = t('cli:usage.meta.port')
  return [
    t('cli:usage.title', { synopsis: `socklab watch [-p ${port}]... [-4 | -6] [-w ${file}.pcapng [--force]]` }),
    t('cli:watch.usage.about'),
    optionLine(`-p ${port}`, t('cli:watch.usage.port', { port: String(DEFAULT_PORT) })),
    optionLine('-4 / -6', t('cli:watch.usage.family')),
    optionLine(`-w ${file}`, t('cli:watch.usage.write', { file })),
    optionLine('--force', t('cli:watch.usage.force', { file })),
    ...commonOptionLines()
  ].join('\n')
}

/** The ports and families in words: "port 12000 (TCP and UDP, IPv4 and IPv6)". */
function describe(o: WatchOptions): string {
  const t = cliWords()
  const families = o.families.length === 2 ? t('cli:watch.bothFamilies') : o.families[0]
  return t('cli:watch.what', { ports: t('cli:watch.ports', { count: o.ports.length, list: o.ports.join(', ') }), families })
}

export async function runWatch(argv: string[]): Promise<number> {
  const o = parseWatchOptions(argv)
  if (o.help) {
    console.log(watchUsage())
    return 0
  }
  // What an earlier socklab killed before it could clean up left in the temp folder.
  removeStaleFolders()
  const file = o.pcapngPath ? path.resolve(o.pcapngPath) : undefined
  // Refused before anything starts: an existing file is replaced only with --force.
  if (file) {
    try {
      checkSaveFile(file, o.force)
    } catch (err) {
      throw err instanceof FileExistsError ? new UsageError(err.said) : err
    }
  }
  // The packets shown are captured without the file: saving them (watch-save.ts) may fail on its own.
  const capture = new PacketCapture({ ports: o.ports, families: o.families })
  const save = file ? new WatchSave(file, o.ports, o.families) : undefined
  const out = new LineWriter()
  capture.on('packets', (batch: WirePacket[]) => out.write(batch.map((p) => wireLine(cliT(), p, capture.startedAt))))
  // Listened for before the tools start: a Ctrl-C while they start stops them once they have
  // (a process killed by it would leave them capturing on their own).
  let askStop!: () => void
  const stopAsked = new Promise<void>((resolve) => (askStop = resolve))
  process.on('SIGINT', askStop)
  process.on('SIGTERM', askStop)
  // A closed terminal window: the same clean stop (its summary then goes nowhere, harmlessly).
  process.on('SIGHUP', askStop)
  out.onClosed = askStop
  const iface = loopbackInterface(process.platform)
  // Said at once: the tools take a moment to start, and nothing is captured until the next line.
  const t = cliWords()
  process.stderr.write(`${t('cli:watch.starting', { iface })}\n`)
  try {
    await capture.start()
    if (save) {
      // Said at once, while the packets go on showing; the exit status says it at the end.
      save.onError = (sentence) => process.stderr.write(`ERROR: ${spoken(sentence)}\n`)
      await save.start(o.force).catch(async (err: unknown) => {
        await capture.stop()
        throw err
      })
    }
  } catch (err) {
    if (!(err instanceof CaptureUnavailableError)) throw err
    process.stderr.write(`ERROR: ${spoken(err.problem)}\n`)
    return err.problem.kind === 'failed' ? 1 : EXIT_CANNOT_CAPTURE
  }
  // Only now: dumpcap has the interface open with the filter in the kernel, so a packet sent
  // after this line is captured.
  process.stderr.write(`${t('cli:watch.watching', { what: describe(o), iface })}\n`)

  if (stdinCanEnd()) process.stdin.on('end', askStop).resume()
  const end = await Promise.race([
    stopAsked.then(() => capture.stop()),
    // The tools may end on their own (killed, or a failure): that ends the watch too.
    new Promise<CaptureEnd>((resolve) => capture.once('end', resolve))
  ])
  const saved = await save?.stop()
  if (out.closed) return saved?.error ? 1 : 0
  if (end.problem) process.stderr.write(`ERROR: ${spoken(end.problem)}\n`)
  process.stderr.write(`${summaryLine(cliT(), end)}\n`)
  if (saved?.error) process.stderr.write(`${t('cli:watch.notSaved', { file, count: saved.bytes })}\n`)
  else if (file && !end.problem) process.stderr.write(`${t('cli:watch.saved', { file })}\n`)
  return end.problem || saved?.error ? 1 : 0
}

/**
 * Standard input ends a watch when someone can end it: a terminal (Ctrl-D) or a pipe. Not
 * /dev/null or a closed descriptor, which are over before the first packet.
 */
function stdinCanEnd(): boolean {
  try {
    const s = fs.fstatSync(0)
    return process.stdin.isTTY === true || s.isFIFO() || s.isSocket()
  } catch {
    return false
  }
}

/**
 * Writes lines to stdout; when the reader goes away (`| head` has what it wanted) it stops the
 * watch quietly instead of dying on EPIPE.
 */
class LineWriter {
  closed = false
  onClosed?: () => void

  constructor() {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err
      this.closed = true
      this.onClosed?.()
    })
  }

  write(lines: string[]): void {
    if (!this.closed && lines.length) process.stdout.write(`${lines.join('\n')}\n`)
  }
}
