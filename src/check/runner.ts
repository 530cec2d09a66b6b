// One `socklab check …` run: the cases of that check (socklab's own, then the instructor's), each
// run against the student's program, items in order; a gate that fails stops its case (the items
// after it are not run and score 0). The result is data; report.ts makes the words.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { said, type Said } from '../shared/i18n/said'
import { loadCases, type AnyItem, type CaseProblem, type CheckName, type LoadedCase } from './cases'
import { mentions, shown, startProgram, substitute, type Program } from './program'
import { httpServerItem, removeFiles, writeFiles, type WebRoot } from './play-http'
import { place, tcpServerItem, udpServerItem, type ServerTarget } from './play-client'
import { clientItem, exitSaid, pingItem, runPingClient, runTcpClient, runUdpClient, SetupError, type Serving } from './play-server'
import type { Verdict } from './result'

export const SERVER_CHECKS = ['tcp-server', 'udp-server', 'http-server'] as const
export const isServerCheck = (c: CheckName): c is (typeof SERVER_CHECKS)[number] => (SERVER_CHECKS as readonly string[]).includes(c)

/** Per item, unless its case says otherwise. */
export const ITEM_TIMEOUT_MS = 3000

export interface CheckOptions {
  check: CheckName
  /** The student's server (server checks), or where socklab serves (client checks). */
  host: string
  port: number
  /** -p was given (else a client check serves on the course's default, or on a free port if the command names {port}). */
  portGiven: boolean
  concurrent: boolean
  /** http-server: the folder the student's server serves (not needed when socklab starts it with a command). */
  root?: string
  /** The student's command, after `--` (client checks; for server checks, socklab starts the server). */
  argv: string[]
  cases: string[]
  builtin: boolean
}

/** An item's title: the catalog's for socklab's own cases, else the case file's own words. */
export type Title = { key: string } | { own: Record<string, string> }

export interface ItemResult {
  caseId: string
  id: string
  title: Title
  weight: number
  gate: boolean
  status: 'pass' | 'fail' | 'skipped'
  verdict?: Verdict
  /** For a skipped item: the gate that failed. */
  gateTitle?: Title
}

export interface CheckResult {
  check: CheckName
  /** Where it looked or served, shown as data. */
  where: string
  /** The command it ran, as run (client checks, or a server socklab started). */
  command?: string
  items: ItemResult[]
  problems: CaseProblem[]
  score: number
  maxScore: number
  /** Everything passed and every case file was usable. */
  passed: boolean
}

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * The catalog key of a built-in item's title, `check:items.<check>.<item>` in camelCase. Every one:
 * t('check:items.tcpServer.listens') t('check:items.tcpServer.answers') t('check:items.tcpServer.upperCase')
 * t('check:items.tcpServer.first1024') t('check:items.tcpServer.twoClients') t('check:items.tcpServer.silentClient')
 * t('check:items.udpServer.answers') t('check:items.udpServer.upperCase') t('check:items.udpServer.first2048') t('check:items.udpServer.twoClients')
 * t('check:items.httpServer.listens') t('check:items.httpServer.statusLine') t('check:items.httpServer.okHtml') t('check:items.httpServer.contentType')
 * t('check:items.httpServer.okBinary') t('check:items.httpServer.subfolder') t('check:items.httpServer.notFound')
 * t('check:items.tcpClient.connects') t('check:items.tcpClient.sendsInput') t('check:items.tcpClient.printsReply') t('check:items.tcpClient.closes') t('check:items.tcpClient.exits')
 * t('check:items.udpClient.connects') t('check:items.udpClient.sendsInput') t('check:items.udpClient.printsReply') t('check:items.udpClient.exits')
 * t('check:items.udpPingClient.pings') t('check:items.udpPingClient.pingFormat') t('check:items.udpPingClient.reportsReplies') t('check:items.udpPingClient.reportsLosses') t('check:items.udpPingClient.exits')
 */
export const titleOf = (c: LoadedCase, item: AnyItem): Title => (item.title ? { own: item.title } : { key: `check:items.${camel(c.case.check)}.${camel(item.id)}` })

/** A free port on `host`, for a command that names {port}. */
async function freePort(host: string): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  await new Promise((r) => server.close(r))
  return port
}

const leftovers = new Set<string>()

/** A folder of test files: removed at the end, also when the check is stopped (Ctrl-C) before it. */
function leaveNothing(dir: string): string {
  if (leftovers.size === 0) process.once('exit', () => leftovers.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))
  leftovers.add(dir)
  return dir
}

/** Runs the items of one case in order; a failed gate skips the rest. */
async function runItems(c: LoadedCase, judge: (item: AnyItem, ms: number) => Promise<Verdict>): Promise<ItemResult[]> {
  const out: ItemResult[] = []
  let failedGate: Title | undefined
  for (const item of c.case.items) {
    const base = { caseId: c.case.id, id: item.id, title: titleOf(c, item), weight: item.weight, gate: item.gate }
    if (failedGate) {
      out.push({ ...base, status: 'skipped', gateTitle: failedGate })
      continue
    }
    const verdict = await judge(item, item.timeoutMs ?? ITEM_TIMEOUT_MS)
    out.push({ ...base, status: verdict.pass ? 'pass' : 'fail', verdict })
    if (!verdict.pass && item.gate) failedGate = base.title
  }
  return out
}

export async function runCheck(o: CheckOptions): Promise<CheckResult> {
  const { cases, problems } = loadCases(o.check, o.cases, o.builtin)
  const items: ItemResult[] = []
  let where = place({ host: o.host, port: o.port })
  let command: string | undefined
  if (isServerCheck(o.check)) {
    let program: Program | undefined
    let tempRoot: string | undefined
    let port = o.port
    try {
      if (o.argv.length > 0) {
        if (mentions(o.argv, 'port') && !o.portGiven) port = await freePort(o.host)
        if (o.check === 'http-server' && !o.root) tempRoot = leaveNothing(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-check-')))
        const argv = substitute(o.argv, { host: o.host, port: String(port), root: o.root ?? tempRoot ?? '' })
        command = shown(argv)
        program = startProgram(argv, { cwd: o.check === 'http-server' ? (o.root ?? tempRoot) : undefined })
      }
      const target: ServerTarget = {
        host: o.host,
        port,
        concurrent: o.concurrent,
        // Worth waiting for while it runs; once it has ended, a refusal is final.
        get started() {
          return program !== undefined && program.exit === undefined
        }
      }
      // A server socklab started that has ended (a crash, its port busy): what it said goes with each failure.
      const withEnd = (judge: (i: never, ms: number) => Promise<Verdict>) => async (i: AnyItem, ms: number): Promise<Verdict> => {
        const v = await judge(i as never, ms)
        if (v.pass || !program?.exit) return v
        return { ...v, saw: said('check:saw.andEnded', { saw: v.saw!, ended: exitSaid(program) }) }
      }
      where = place(target)
      const root = o.root ?? tempRoot
      for (const c of cases) {
        const k = c.case
        if (k.check === 'tcp-server') items.push(...(await runItems(c, withEnd((i, ms) => tcpServerItem(i, target, ms)))))
        else if (k.check === 'udp-server') items.push(...(await runItems(c, withEnd((i, ms) => udpServerItem(i, target, ms)))))
        else if (k.check === 'http-server') {
          if (!root) throw new SetupError(said('check:setup.needsRoot'))
          let web: WebRoot | undefined
          try {
            web = writeFiles(root, k.files)
            leaveNothing(path.join(web.root, web.folder))
          } catch (err) {
            throw new SetupError(said('check:setup.cannotWrite', { root, reason: (err as NodeJS.ErrnoException).code ?? String(err) }))
          }
          try {
            items.push(...(await runItems(c, withEnd((i, ms) => httpServerItem(i, target, ms, web, k.files)))))
          } finally {
            removeFiles(web)
          }
        }
      }
    } finally {
      await program?.stop()
      if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true })
    }
  } else {
    if (o.argv.length === 0) throw new SetupError(said('check:setup.needsCommand', { check: o.check }))
    const named = mentions(o.argv, 'port')
    const serving: Serving = { host: o.host, port: o.portGiven || !named ? o.port : 0, argv: o.argv, defaultPort: !o.portGiven && !named }
    for (const c of cases) {
      const k = c.case
      if (k.check === 'tcp-client') {
        const run = await runTcpClient(k, serving)
        command = shown(run.program.argv)
        where = place({ host: o.host, port: run.port })
        items.push(...(await runItems(c, async (i) => clientItem(i as never, k, run, serving))))
      } else if (k.check === 'udp-client') {
        const run = await runUdpClient(k, serving)
        command = shown(run.program.argv)
        where = place({ host: o.host, port: run.port })
        items.push(...(await runItems(c, async (i) => clientItem(i as never, k, run, serving))))
      } else if (k.check === 'udp-ping-client') {
        const run = await runPingClient(k, serving)
        command = shown(run.program.argv)
        where = place({ host: o.host, port: run.port })
        items.push(...(await runItems(c, async (i) => pingItem(i as never, run, serving))))
      }
    }
  }
  const score = items.reduce((sum, i) => sum + (i.status === 'pass' ? i.weight : 0), 0)
  const maxScore = items.reduce((sum, i) => sum + i.weight, 0)
  return { check: o.check, where, command, items, problems, score, maxScore, passed: problems.length === 0 && items.length > 0 && items.every((i) => i.status === 'pass') }
}

export type { Said }
