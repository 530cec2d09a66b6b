// The checks as data: each case is a JSON file (resources/checks/*.json ship with socklab; an
// instructor adds files of their own with --cases FILE|DIR). A case names the command it belongs
// to (`check`), how socklab plays the other side, and its items: what each probes, what it expects,
// its weight, whether it is a gate. Files are read and validated at run time: a broken file
// becomes one problem line, and the others still run. The schema is documented in README.md
// ("For instructors").

import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { appRoot } from '../engine/paths'
import { said, type Said } from '../shared/i18n/said'

export const CHECKS = ['tcp-server', 'udp-server', 'http-server', 'tcp-client', 'udp-client', 'udp-ping-client'] as const
export type CheckName = (typeof CHECKS)[number]

/** Item and case ids: what a grader's script and the catalogs key on. */
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and dashes, at most 48')

/** An instructor's own words for an item, one per language (English at least); built-in items take theirs from the catalog. */
const Title = z.strictObject({ en: z.string().min(1).max(200) }).catchall(z.string().min(1).max(200))

/** Bytes to send: a text (sent as UTF-8), or `bytes` copies of a pattern (`{ "repeat": "0123456789", "bytes": 3000 }`). */
export const Payload = z.union([
  z.string().max(65_536),
  z.strictObject({ repeat: z.string().min(1).max(1000), bytes: z.number().int().min(1).max(65_536) })
])
export type Payload = z.infer<typeof Payload>

/**
 * What a reply must be: `upper` (what was sent, ASCII letters upper-cased, as the course's servers
 * do), `same` (an echo), or an exact text; `limit` keeps only the first bytes of what was sent
 * (the course's recv(1024), recvfrom(2048)).
 */
const Reply = z.union([z.literal('upper'), z.literal('same'), z.strictObject({ text: z.string().max(65_536) })])

/** A pattern matched against the lines a program prints (JavaScript syntax; flags such as "i"). */
export const Pattern = z.strictObject({ pattern: z.string().min(1).max(500), flags: z.string().regex(/^[imsu]*$/).default('') })
export type Pattern = z.infer<typeof Pattern>

const Timeout = z.number().int().min(100).max(60_000)

const itemBase = {
  id: Id,
  title: Title.optional(),
  /** Points for this item; 0 makes it informative. */
  weight: z.number().min(0).max(100).default(1),
  /** A gate that fails stops the case: the items after it are not run (and score 0). */
  gate: z.boolean().default(false),
  /** How long this item may take, in ms. */
  timeoutMs: Timeout.optional()
}

const item = <P extends z.ZodType>(probe: P) => z.strictObject({ ...itemBase, probe })

// socklab plays the client against the student's server.
const TcpServerProbe = z.discriminatedUnion('kind', [
  /** A connection is accepted. */
  z.strictObject({ kind: z.literal('connect') }),
  /** Clients one after the other, each sending `send` (or its own `sends[i]`); each reply checked. */
  z.strictObject({ kind: z.literal('exchange'), send: Payload, sends: z.array(Payload).min(1).max(5).optional(), expect: z.strictObject({ reply: Reply, limit: z.number().int().min(1).max(65_536).optional() }) }),
  /** A client connects and stays silent; a second one sends `send` and must be answered (at once with --concurrent, else once the first leaves). */
  z.strictObject({ kind: z.literal('silent-client'), send: Payload, waitMs: Timeout.default(1500) }),
  /** Any reply at all to `send`. */
  z.strictObject({ kind: z.literal('answers'), send: Payload })
])

const UdpServerProbe = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('answers'), send: Payload }),
  /** Datagrams from `clients` sockets (one after the other), each answered at its own address. */
  z.strictObject({ kind: z.literal('datagram'), send: Payload, clients: z.number().int().min(1).max(5).default(1), expect: z.strictObject({ reply: Reply, limit: z.number().int().min(1).max(65_536).optional() }) })
])

const HttpServerProbe = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('connect') }),
  /**
   * `GET <path> HTTP/1.0` for a path under the check's own folder (a file of the case's `files`,
   * or one that does not exist); `status`, the file's exact bytes, a Content-Type among
   * `contentType`, a well-formed status line.
   */
  z.strictObject({
    kind: z.literal('get'),
    path: z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/).refine((p) => !p.split('/').includes('..') && !p.startsWith('/'), 'a relative path inside the check folder'),
    expect: z.strictObject({
      statusLine: z.boolean().optional(),
      status: z.number().int().min(100).max(599).optional(),
      body: z.literal('file').optional(),
      contentType: z.array(z.string().min(1).max(100)).min(1).optional()
    })
  })
])

const connects = z.strictObject({ kind: z.literal('connects') })
const sendsInput = z.strictObject({ kind: z.literal('sends-input') })
const printsReply = z.strictObject({ kind: z.literal('prints-reply') })
const exits = z.strictObject({ kind: z.literal('exits'), code: z.number().int().min(0).max(255).default(0) })

const ClientProbe = z.discriminatedUnion('kind', [
  /** The program connects (TCP) or sends a datagram (UDP) to socklab's side. */
  connects,
  /** What reached socklab is exactly the input line (no newline). */
  sendsInput,
  /** What the program prints holds socklab's reply. */
  printsReply,
  /** The program closes its side of the connection after the reply (TCP). */
  z.strictObject({ kind: z.literal('closes') }),
  /** The program ends by itself with this status. */
  exits
])
const UdpClientProbe = z.discriminatedUnion('kind', [connects, sendsInput, printsReply, exits])

const PingProbe = z.discriminatedUnion('kind', [
  /** Some ping reaches socklab's ping server. */
  z.strictObject({ kind: z.literal('pings') }),
  /** Every ping is the assignment's `Ping sequence_number time`, numbered 1, 2, 3 … */
  z.strictObject({ kind: z.literal('ping-format') }),
  /** Every ping answered is printed: a line holding the reply and, besides it, a number (its RTT). */
  z.strictObject({ kind: z.literal('reports-replies'), rtt: Pattern.default({ pattern: '\\d+(\\.\\d+)?', flags: '' }) }),
  /** Every ping dropped on purpose is reported: as many lines matching `line` as pings lost. */
  z.strictObject({ kind: z.literal('reports-losses'), line: Pattern.default({ pattern: 'timed out', flags: 'i' }) }),
  z.strictObject({ kind: z.literal('exits'), code: z.number().int().min(0).max(255).default(0) })
])

/** A file the http-server check writes into its own folder under --root (text, or base64 for binary). */
const CaseFile = z.union([
  z.strictObject({ path: z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/), text: z.string().max(1_000_000) }),
  z.strictObject({ path: z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/), base64: z.string().max(1_400_000) })
])
export type CaseFile = z.infer<typeof CaseFile>

const caseBase = {
  /** Documentation only: where the schema is described. */
  $schema: z.string().optional(),
  id: Id,
  title: Title.optional()
}

/** A client check runs the student's program once: `input` goes to its standard input, line by line. */
const clientRun = {
  input: z.array(z.string().max(10_000)).max(20).default([]),
  /** How long the whole run may take, in ms, before the program is stopped. */
  runTimeoutMs: Timeout.default(15_000)
}

export const Case = z.discriminatedUnion('check', [
  z.strictObject({ ...caseBase, check: z.literal('tcp-server'), items: z.array(item(TcpServerProbe)).min(1).max(50) }),
  z.strictObject({ ...caseBase, check: z.literal('udp-server'), items: z.array(item(UdpServerProbe)).min(1).max(50) }),
  z.strictObject({ ...caseBase, check: z.literal('http-server'), files: z.array(CaseFile).max(50).default([]), items: z.array(item(HttpServerProbe)).min(1).max(50) }),
  z.strictObject({ ...caseBase, check: z.literal('tcp-client'), ...clientRun, reply: Reply.default('upper'), items: z.array(item(ClientProbe)).min(1).max(50) }),
  z.strictObject({ ...caseBase, check: z.literal('udp-client'), ...clientRun, reply: Reply.default('upper'), items: z.array(item(UdpClientProbe)).min(1).max(50) }),
  z.strictObject({
    ...caseBase,
    check: z.literal('udp-ping-client'),
    ...clientRun,
    /** socklab's ping server: the share of pings it drops, in per cent, and the seed of its draws (the same pings dropped every run). */
    server: z.strictObject({ loss: z.number().min(0).max(100).default(30), seed: z.number().int().min(0).max(0xffffffff).default(11) }).default({ loss: 30, seed: 11 }),
    items: z.array(item(PingProbe)).min(1).max(50)
  })
])
export type Case = z.infer<typeof Case>
export type CaseOf<C extends CheckName> = Extract<Case, { check: C }>
export type ItemOf<C extends CheckName> = CaseOf<C>['items'][number]
export type AnyItem = Case['items'][number]

/** A case as loaded: where it came from, and whether it is socklab's own (its words then come from the catalog). */
export interface LoadedCase {
  file: string
  builtin: boolean
  case: Case
}

/** A file that could not be used, and why, in one line (the schema's first complaint, with its place). */
export interface CaseProblem {
  file: string
  problem: Said
}

/** The schema's complaints in the report's language (zod's own locales: it, en). */
export function setSchemaLanguage(lang: string): void {
  z.config(lang === 'it' ? z.locales.it() : z.locales.en())
}

export const builtinCasesDir = (): string => path.join(appRoot(), 'resources', 'checks')

/** The JSON files a --cases argument names: the file itself, or a folder's *.json (sorted). */
export function caseFiles(where: string): string[] {
  const stat = fs.statSync(where)
  if (!stat.isDirectory()) return [where]
  return fs
    .readdirSync(where)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(where, f))
}

/** One line for the first thing wrong in a case file: `items.2.probe.kind: …` (zod's words), not JSON, cannot be read. */
export function oneLine(err: unknown): Said {
  if (err instanceof z.ZodError) {
    const issue = err.issues[0]
    const where = issue.path.length ? issue.path.join('.') : '-'
    const message = issue.message.replace(/\s+/g, ' ')
    if (err.issues.length === 1) return said('check:problem.schema', { where, message })
    return said('check:problem.schemaMore', { where, message, count: err.issues.length - 1 })
  }
  const message = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .trim()
  if (err instanceof SyntaxError) return said('check:problem.json', { reason: message })
  return said('check:problem.read', { reason: (err as NodeJS.ErrnoException)?.code ?? message })
}

/** Reads and validates one file; a problem instead when it cannot be used. */
export function loadCase(file: string, builtin: boolean): LoadedCase | CaseProblem {
  try {
    const text = fs.readFileSync(file, 'utf8')
    const c = Case.parse(JSON.parse(text))
    return checked(file, builtin, c)
  } catch (err) {
    return { file, problem: oneLine(err) }
  }
}

/** The check a file says it belongs to, read before validating it (undefined when it cannot say). */
export function checkOfFile(file: string): string | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { check?: unknown }
    return typeof raw?.check === 'string' ? raw.check : undefined
  } catch {
    return undefined
  }
}

/** What the schema cannot say: titles of one's own, ids used once. */
function checked(file: string, builtin: boolean, c: Case): LoadedCase | CaseProblem {
  {
    if (!builtin) {
      const untitled = (c.items as AnyItem[]).findIndex((i) => !i.title)
      if (untitled >= 0) return { file, problem: said('check:problem.title', { where: `items.${untitled}.title` }) }
    }
    const ids = new Set<string>()
    for (const [n, i] of (c.items as AnyItem[]).entries()) {
      if (ids.has(i.id)) return { file, problem: said('check:problem.twice', { where: `items.${n}.id`, id: i.id }) }
      ids.add(i.id)
    }
    if (c.check === 'http-server') {
      const bad = c.files.find((f) => f.path.split('/').includes('..') || f.path.startsWith('/'))
      if (bad) return { file, problem: said('check:problem.outside', { path: bad.path }) }
    }
    return { file, builtin, case: c }
  }
}

export interface CaseSet {
  cases: LoadedCase[]
  problems: CaseProblem[]
}

/**
 * The cases of one check: socklab's own (unless `builtin` is false) then those of every --cases
 * argument, in order. A case file of another check is skipped; one whose id a built-in case
 * already has replaces it (an instructor's version of a check).
 */
export function loadCases(check: CheckName, extra: string[], builtin = true): CaseSet {
  const problems: CaseProblem[] = []
  const byId = new Map<string, LoadedCase>()
  const sources: Array<{ file: string; builtin: boolean }> = []
  if (builtin) for (const f of caseFiles(builtinCasesDir())) sources.push({ file: f, builtin: true })
  for (const where of extra) {
    try {
      for (const f of caseFiles(where)) sources.push({ file: f, builtin: false })
    } catch (err) {
      problems.push({ file: where, problem: oneLine(err) })
    }
  }
  for (const s of sources) {
    // A file that says it is another check's is that check's business, broken or not.
    const named = checkOfFile(s.file)
    if (named !== undefined && named !== check && (CHECKS as readonly string[]).includes(named)) continue
    const loaded = loadCase(s.file, s.builtin)
    if ('problem' in loaded) problems.push(loaded)
    else if (loaded.case.check === check) byId.set(loaded.case.id, loaded)
  }
  return { cases: [...byId.values()], problems }
}
