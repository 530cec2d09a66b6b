// Run-time validation of everything that crosses into main, whatever its compile-time type claims.
// A compromised renderer can send anything: these schemas are the only door. The renderer and the
// CLI check their input with the same field rules, so a student reads the same words everywhere.

import { z } from 'zod'
import type { ArgsOf, Verb } from './contract'
import { ENDPOINT_ID, ENDPOINT_KINDS } from './endpoint-kinds'
import { say, worded } from './field-rules'
import { said, type Said } from './i18n/said'
import { INPUT_MAX_CHARS } from './limits'
import { CONSOLE_KEY, CONTROL_CHARACTER, endpointFitsConsole, kindFitsConsole, parseConsoleKey } from './console-keys'
import { LANGS, type Lang } from './i18n/resources'
import { MAX_SHARED_TABS, MAX_WINDOWS, VIEW_NAMES } from './window-views'
import { en } from './i18n/resources'

export { fields, type NumberField } from './field-rules'

/** What a window may send to start an endpoint: the strict object of each kind of the table. */
const configs = Object.values(ENDPOINT_KINDS).map((row) => row.config)
export const endpointConfigSchema = z.discriminatedUnion('kind', configs as [(typeof configs)[number], ...(typeof configs)[number][]])

const endpointId = z.string().max(64).regex(ENDPOINT_ID, 'not an endpoint id')
const input = z.string().max(INPUT_MAX_CHARS, say(`the input is longer than ${INPUT_MAX_CHARS} characters`, said('wire:field.inputTooLong', { max: INPUT_MAX_CHARS })))

const consoleKey = z.string().max(24).regex(CONSOLE_KEY, 'not a console of the window')

/** An endpoint's config, and the console the window shows it in: one of its lab and role. */
const startArgs = z
  .tuple([endpointConfigSchema, consoleKey.optional()])
  .refine(([config, key]) => key === undefined || kindFitsConsole(config.kind, key), { error: 'that endpoint does not speak in that console', path: [1] })

/** The longest line a window writes is the echo of the longest input. */
const lineText = z
  .string()
  .max(INPUT_MAX_CHARS, `a console line is longer than ${INPUT_MAX_CHARS} characters`)
  .refine((text) => !CONTROL_CHARACTER.test(text), 'a console line may not hold control characters')

/**
 * Whether `key` ("lab:note.cancelled") names a sentence of the English catalogs: a string, or a
 * plural's forms (`…_one`, `…_other`). A key is looked up only where it is, never on the prototype.
 */
export function isCatalogKey(key: string): boolean {
  const m = /^([a-z]+):([A-Za-z0-9]+(?:\.[A-Za-z0-9]+){0,5})$/.exec(key)
  if (!m || !Object.hasOwn(en, m[1])) return false
  let node: unknown = en[m[1] as keyof typeof en]
  const path = m[2].split('.')
  const last = path.pop()!
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false
    node = (node as Record<string, unknown>)[part]
  }
  if (typeof node !== 'object' || node === null) return false
  const at = (k: string): unknown => (Object.hasOwn(node as object, k) ? (node as Record<string, unknown>)[k] : undefined)
  return typeof at(last) === 'string' || typeof at(`${last}_other`) === 'string'
}

/** How deep a Said may nest Saids in its parameters, and how many parameters each may have. */
const SAID_DEPTH = 3
const SAID_PARAMS = 8

/** A Said (i18n/said.ts) as a window may send it: a key of the catalogs, a few parameters, each a value or a Said, bounded. */
const saidAt = (depth: number): z.ZodType<Said> =>
  z.strictObject({
    key: z.string().max(100).refine(isCatalogKey, 'not a key of the catalogs'),
    params: z
      .record(
        z.string().max(32).regex(/^[A-Za-z][A-Za-z0-9]*$/, 'not a parameter name'),
        depth < SAID_DEPTH ? z.union([lineText, z.number().finite(), z.boolean(), z.lazy(() => saidAt(depth + 1))]) : z.union([lineText, z.number().finite(), z.boolean()])
      )
      .refine((params) => Object.keys(params).length <= SAID_PARAMS, `a sentence takes at most ${SAID_PARAMS} parameters`)
      .optional()
  }) as unknown as z.ZodType<Said>
export const saidSchema = saidAt(1)

/**
 * A window's line: the echo of what the student typed is its text (data, never translated); a note
 * or an error is a Said, worded by each window in its language (or, for a host's sentence that is
 * no Said, its text). One of the two, never both.
 */
const windowLine = z
  .strictObject({
    console: consoleKey,
    endpoint: endpointId.optional(),
    style: z.enum(['note', 'error', 'input']),
    text: lineText.optional(),
    said: saidSchema.optional()
  })
  .refine((line) => (line.text === undefined) !== (line.said === undefined), 'a console line is a text or a Said, not both')
  .refine((line) => line.style !== 'input' || line.text !== undefined, { error: 'what the student typed is text', path: ['said'] })
  .refine((line) => line.endpoint === undefined || endpointFitsConsole(line.endpoint, line.console), { error: 'that endpoint does not speak in that console', path: ['endpoint'] })

/** A window's view as followers mirror it: client tabs of its lab only, each client in a tab of its kind. */
const clientOfLab = (lab: string) => (key: string) => parseConsoleKey(key)?.lab === lab && parseConsoleKey(key)?.role === 'client'
const sharedView = z
  .strictObject({
    lab: z.enum(['tcp', 'udp', 'http']),
    tabs: z.array(z.strictObject({ key: consoleKey, endpoint: endpointId.optional() })).max(MAX_SHARED_TABS),
    tab: consoleKey,
    view: z.enum(VIEW_NAMES),
    row: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()
  })
  .refine((v) => clientOfLab(v.lab)(v.tab) && v.tabs.every((t) => clientOfLab(v.lab)(t.key)), { error: 'a shared view names a client tab of another lab', path: ['tabs'] })
  .refine((v) => v.tabs.every((t) => t.endpoint === undefined || endpointFitsConsole(t.endpoint, t.key)), { error: 'that endpoint does not speak in that console', path: ['tabs'] })
/** Host → window: every window's number and view (window-views.ts), checked in the window as the host checks what it is told. */
export const windowsMessageSchema = z.strictObject({
  windows: z.array(z.strictObject({ n: z.number().int().positive(), open: z.boolean(), view: sharedView.optional() })).max(MAX_WINDOWS)
})
const windowToken = z.string().regex(/^[0-9a-f]{32}$/, 'not a window token')

export const argSchemas: { [V in Verb]: z.ZodType<ArgsOf<V>> } = {
  hostInfo: z.tuple([]),
  start: startArgs,
  stop: z.tuple([endpointId]),
  connect: z.tuple([endpointId]),
  closeConnection: z.tuple([endpointId, z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]),
  send: z.tuple([endpointId, input]),
  list: z.tuple([]),
  stopped: z.tuple([]),
  writeConsole: z.tuple([windowLine]),
  chooseFolder: z.tuple([]),
  captureStatus: z.tuple([]),
  startCapture: z.tuple([]),
  stopCapture: z.tuple([]),
  kernelState: z.tuple([z.number().int().nonnegative().optional()]),
  exportPcapng: z.tuple([]),
  showView: z.tuple([sharedView, windowToken.optional()]),
  setLanguage: z.tuple([z.enum(LANGS as [Lang, ...Lang[]], { error: 'not a language socklab speaks' })])
}

/**
 * The first problem with a zod error, as one line: a student's words as they are (the window shows
 * the same ones), anything else with the call and the field where it was found.
 */
export function describeIssue(error: z.ZodError, verb?: Verb): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid request'
  if (worded.has(issue.message)) return issue.message
  const where = [verb, issue.path.filter((p) => typeof p !== 'number' || issue.path.length > 1).join('.')].filter(Boolean).join(': ')
  return where ? `${where}: ${issue.message}` : issue.message
}

/** The first problem with an endpoint config as data (a Said, to word in the window's language), or null when the host will take it. */
export function configProblemSaid(config: unknown): Said | null {
  const checked = endpointConfigSchema.safeParse(config)
  if (checked.success) return null
  const issue = checked.error.issues[0]
  return (issue && worded.get(issue.message)) ?? said('wire:field.asIs', { message: describeIssue(checked.error) })
}

/** The first problem with an endpoint config in a student's words, or null when the host will take it. */
export function configProblem(config: unknown): string | null {
  const checked = endpointConfigSchema.safeParse(config)
  return checked.success ? null : describeIssue(checked.error)
}
