// Guided exercises as data: one JSON file per exercise (resources/exercises/*.json, or an
// instructor's folder), validated here. The check is a small declarative matcher over the lab's
// events (and, where the capture runs, its packets): structured details only, never English text.
import { z } from 'zod'

/** Words an instructor writes in both languages, inside the file (the built catalogs cannot grow). */
export const Words = z.strictObject({ en: z.string().min(1).max(2000), it: z.string().min(1).max(2000) })

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()])
/** A comparison on one field: a value (equal), or an operator object. */
export const Cmp = z.union([
  Scalar,
  z
    .strictObject({
      eq: Scalar.optional(),
      ne: Scalar.optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      exists: z.boolean().optional(),
      in: z.array(Scalar).max(20).optional(),
    })
    .refine((o) => Object.keys(o).length > 0, { message: 'empty comparison' }),
])
export type Cmp = z.infer<typeof Cmp>

/** A dotted path into an event (`detail.truncatedTo`, `local.port`, `length`). */
const FieldPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*){0,3}$/)

const KINDS = ['listen', 'bind', 'queued', 'accept', 'connect', 'send', 'recv', 'close', 'reset', 'error', 'console', 'ping', 'drop', 'duplicate', 'delay', 'relay', 'lifecycle'] as const

/** One event's shape: every field given must hold. */
export const EventMatch = z.strictObject({
  kind: z.enum(KINDS).optional(),
  role: z.enum(['client', 'server', 'relay']).optional(),
  proto: z.enum(['TCP', 'UDP', 'HTTP']).optional(),
  /** The family of the event's local (else remote) address. */
  family: z.enum(['IPv4', 'IPv6']).optional(),
  fields: z.record(FieldPath, Cmp).optional(),
})
export type EventMatch = z.infer<typeof EventMatch>

/** One captured packet's shape. */
export const PacketMatch = z.strictObject({
  proto: z.enum(['TCP', 'UDP']).optional(),
  family: z.enum(['IPv4', 'IPv6']).optional(),
  /** Exactly these TCP flags (in any order). */
  flags: z.array(z.enum(['SYN', 'FIN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'])).max(8).optional(),
  fields: z.record(FieldPath, Cmp).optional(),
})
export type PacketMatch = z.infer<typeof PacketMatch>

/** One condition of a check. */
export const Condition = z.union([
  /** At least `atLeast` (1) events match. */
  z.strictObject({ events: EventMatch, atLeast: z.number().int().min(1).max(100).optional() }),
  /** These events happen in this order on one connection (same endpoint and conn) or one endpoint. */
  z.strictObject({ sequence: z.array(EventMatch).min(2).max(10), within: z.enum(['connection', 'endpoint']) }),
  /** At least `atLeast` (1) captured packets match, in order when more than one shape is given. */
  z.strictObject({ packets: z.array(PacketMatch).min(1).max(10) }),
])
export type Condition = z.infer<typeof Condition>

export const Exercise = z.strictObject({
  /** Schema version: 1. */
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  /** Where it sorts in the list (lower first). */
  order: z.number().int().min(0).max(10_000).optional(),
  title: Words,
  goal: Words,
  hint: Words,
  /** Which lab it is done in (a hint for the list, not checked). */
  lab: z.string().max(40).optional(),
  /** Every condition must hold. */
  check: z.strictObject({ all: z.array(Condition).min(1).max(10) }),
})
export type Exercise = z.infer<typeof Exercise>

/** A file that did not load: its name and what is wrong with it (zod's path and code, as data). */
export interface ExerciseProblem {
  file: string
  problem: 'json' | 'schema' | 'duplicate-id' | 'read' | 'too-big'
  /** Where in the file, for `schema` (e.g. "check.all.0.events.kind"). */
  at?: string
  detail?: string
}

export interface ExerciseCatalog {
  exercises: Exercise[]
  problems: ExerciseProblem[]
}

export const MAX_EXERCISE_FILE_BYTES = 64 * 1024
export const MAX_EXERCISE_FILES = 200

/** Parses one file's text: an exercise, or what is wrong with it. */
export function parseExercise(file: string, text: string): Exercise | ExerciseProblem {
  if (text.length > MAX_EXERCISE_FILE_BYTES) return { file, problem: 'too-big' }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return { file, problem: 'json', detail: (e as Error).message.slice(0, 200) }
  }
  const r = Exercise.safeParse(raw)
  if (!r.success) {
    const issue = r.error.issues[0]
    return { file, problem: 'schema', at: issue?.path.join('.') ?? '', detail: issue?.code ?? '' }
  }
  return r.data
}

/** Builds a catalog from files (name → text): the valid exercises, sorted, and one problem per broken file. */
export function buildCatalog(files: { file: string; text: string }[]): ExerciseCatalog {
  const exercises: Exercise[] = []
  const problems: ExerciseProblem[] = []
  const seen = new Set<string>()
  for (const f of files.slice(0, MAX_EXERCISE_FILES)) {
    const r = parseExercise(f.file, f.text)
    if ('problem' in r) problems.push(r)
    else if (seen.has(r.id)) problems.push({ file: f.file, problem: 'duplicate-id', detail: r.id })
    else {
      seen.add(r.id)
      exercises.push(r)
    }
  }
  exercises.sort((a, b) => (a.order ?? 1000) - (b.order ?? 1000) || a.id.localeCompare(b.id))
  return { exercises, problems }
}
