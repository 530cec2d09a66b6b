// The rules of the fields a student fills in (ports, sizes, timeouts, addresses), each stated once
// as a schema with its words. The endpoint kinds' config schemas are made of them, the window checks
// its fields with them, and the CLI words its flags from the same rules.

import { z } from 'zod'
import { addressProblem, isCoursePort, MAX_PORT, MIN_PORT, PORT_RANGE } from './address'
import { said, type Said } from './i18n/said'
import { CLIENT_TIMEOUT_MAX_MS, CLIENT_TIMEOUT_MIN_MS, IDLE_TIMEOUT_MAX_MS, RECV_SIZE_MAX, RECV_SIZE_MIN } from './limits'

/**
 * Messages written for students: they are shown as they are, without a field path. Each is kept
 * with its meaning (a Said of the catalog `wire`, field.*), so that a window or the CLI can word it
 * in its own language (wordedSaid); zod's message stays the English one, for the host's logs.
 */
export const worded = new Map<string, Said>()
export const say = (message: string, meaning: Said = said('wire:field.asIs', { message })): string => (worded.set(message, meaning), message)

/** A student's message in data: its Said, or undefined for a message not written for students. */
export const wordedSaid = (message: string): Said | undefined => worded.get(message)

/**
 * A numeric field: its rule in words, stated once. The window says "<Label> must be <rule>"
 * (the schema's own message, `said` in any language), the CLI "<flag> must be <rule>" (`ruleSaid`).
 */
export interface NumberField {
  rule: string
  ruleSaid: Said
  said: Said
  schema: z.ZodType<number>
}

export function numberField(label: string, labelSaid: Said, rule: string, ruleSaid: Said, ok: (n: number) => boolean): NumberField {
  const meaning = said('wire:field.mustBe', { label: labelSaid, rule: ruleSaid })
  const message = say(`${label} must be ${rule}`, meaning)
  return { rule, ruleSaid, said: meaning, schema: z.number({ error: message }).refine(ok, { error: message }) }
}

export const integerIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max
const seconds = (ms: number): string => String(ms / 1000)
// Range bounds are what students type: never grouped ("1024..65535", not "1.024..65.535").
const portRule = said('wire:field.rule.integerIn', { min: String(MIN_PORT), max: String(MAX_PORT) })

/**
 * TCP and UDP clients follow the course's rule for -p (1024..65535) in every host; the HTTP client
 * reaches any port, 80 included, through its URL. Servers may also take 0: the system picks a free port.
 */
export const fields = {
  serverPort: numberField('Port', said('wire:field.label.port'), PORT_RANGE, portRule, (p) => p === 0 || isCoursePort(p)),
  clientPort: numberField('Port', said('wire:field.label.port'), PORT_RANGE, portRule, isCoursePort),
  recvSize: numberField(
    'Receive size',
    said('wire:field.label.recvSize'),
    `an integer in ${RECV_SIZE_MIN}..${RECV_SIZE_MAX}`,
    said('wire:field.rule.integerIn', { min: String(RECV_SIZE_MIN), max: String(RECV_SIZE_MAX) }),
    integerIn(RECV_SIZE_MIN, RECV_SIZE_MAX)
  ),
  /** In milliseconds, worded in seconds as students type them. */
  timeoutMs: numberField(
    'Timeout',
    said('wire:field.label.timeout'),
    `a number of seconds in ${seconds(CLIENT_TIMEOUT_MIN_MS)}..${seconds(CLIENT_TIMEOUT_MAX_MS)}`,
    said('wire:field.rule.secondsIn', { min: seconds(CLIENT_TIMEOUT_MIN_MS), max: seconds(CLIENT_TIMEOUT_MAX_MS) }),
    integerIn(CLIENT_TIMEOUT_MIN_MS, CLIENT_TIMEOUT_MAX_MS)
  ),
  idleTimeoutMs: numberField(
    'Idle timeout',
    said('wire:field.label.idleTimeout'),
    `a number of seconds in 0..${seconds(IDLE_TIMEOUT_MAX_MS)} (0 waits forever)`,
    said('wire:field.rule.idleSeconds', { max: seconds(IDLE_TIMEOUT_MAX_MS) }),
    integerIn(0, IDLE_TIMEOUT_MAX_MS)
  )
} satisfies Record<string, NumberField>

export const address = z
  .string()
  .min(1, say('the address is empty', said('wire:field.emptyAddress')))
  .max(253)
  .superRefine((value, ctx) => {
    const problem = addressProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: say(problem, said('wire:field.invalidAddress', { address: value })) })
  })

export const family = z.enum(['IPv4', 'IPv6'])
