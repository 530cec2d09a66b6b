// The rules of the fields a student fills in (ports, sizes, timeouts, addresses), each stated once
// as a schema with its words. The endpoint kinds' config schemas are made of them, the window checks
// its fields with them, and the CLI words its flags from the same rules.

import { z } from 'zod'
import { addressProblem, isCoursePort, PORT_RANGE } from './address'
import { CLIENT_TIMEOUT_MAX_MS, CLIENT_TIMEOUT_MIN_MS, IDLE_TIMEOUT_MAX_MS, RECV_SIZE_MAX, RECV_SIZE_MIN } from './limits'

/** Messages written for students: they are shown as they are, without a field path. */
export const worded = new Set<string>()
export const say = (message: string): string => (worded.add(message), message)

/**
 * A numeric field: its rule in words, stated once. The window says "<Label> must be <rule>"
 * (the schema's own message), the CLI "<flag> must be <rule>".
 */
export interface NumberField {
  rule: string
  schema: z.ZodType<number>
}

function numberField(label: string, rule: string, ok: (n: number) => boolean): NumberField {
  const message = say(`${label} must be ${rule}`)
  return { rule, schema: z.number({ error: message }).refine(ok, { error: message }) }
}

const integerIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max
const seconds = (ms: number): string => String(ms / 1000)

/**
 * TCP and UDP clients follow the course's rule for -p (1024..65535) in every host; the HTTP client
 * reaches any port, 80 included, through its URL. Servers may also take 0: the system picks a free port.
 */
export const fields = {
  serverPort: numberField('Port', PORT_RANGE, (p) => p === 0 || isCoursePort(p)),
  clientPort: numberField('Port', PORT_RANGE, isCoursePort),
  recvSize: numberField('Receive size', `an integer in ${RECV_SIZE_MIN}..${RECV_SIZE_MAX}`, integerIn(RECV_SIZE_MIN, RECV_SIZE_MAX)),
  /** In milliseconds, worded in seconds as students type them. */
  timeoutMs: numberField('Timeout', `a number of seconds in ${seconds(CLIENT_TIMEOUT_MIN_MS)}..${seconds(CLIENT_TIMEOUT_MAX_MS)}`, integerIn(CLIENT_TIMEOUT_MIN_MS, CLIENT_TIMEOUT_MAX_MS)),
  idleTimeoutMs: numberField('Idle timeout', `a number of seconds in 0..${seconds(IDLE_TIMEOUT_MAX_MS)} (0 waits forever)`, integerIn(0, IDLE_TIMEOUT_MAX_MS))
} satisfies Record<string, NumberField>

export const address = z
  .string()
  .min(1, say('the address is empty'))
  .max(253)
  .superRefine((value, ctx) => {
    const problem = addressProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: say(problem) })
  })

export const family = z.enum(['IPv4', 'IPv6'])
