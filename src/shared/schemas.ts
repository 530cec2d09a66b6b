// Run-time validation of everything that crosses into main, whatever its compile-time type claims.
// A compromised renderer can send anything: these schemas are the only door. The renderer and the
// CLI check their input with the same field rules, so a student reads the same words everywhere.

import { z } from 'zod'
import { addressProblem, isCoursePort, PORT_RANGE } from './address'
import type { ArgsOf, NamesAll, Verb } from './contract'
import { CONSOLE_KEY, CONTROL_CHARACTER, endpointFitsConsole } from './console-keys'
import type { EndpointKind } from './endpoint-kinds'
import { ENDPOINT_ID } from './endpoint-kinds'
import { CLIENT_TIMEOUT_MAX_MS, CLIENT_TIMEOUT_MIN_MS, IDLE_TIMEOUT_MAX_MS, INPUT_MAX_CHARS, RECV_SIZE_MAX, RECV_SIZE_MIN } from './limits'

/** Messages written for students: describeIssue() shows them as they are, without a field path. */
const worded = new Set<string>()
const say = (message: string): string => (worded.add(message), message)

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

const address = z
  .string()
  .min(1, say('the address is empty'))
  .max(253)
  .superRefine((value, ctx) => {
    const problem = addressProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: say(problem) })
  })

const family = z.enum(['IPv4', 'IPv6'])
const { serverPort, clientPort, recvSize, timeoutMs, idleTimeoutMs } = fields

export const endpointConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tcp-server'), address, port: serverPort.schema, recvSize: recvSize.schema, concurrent: z.boolean(), idleTimeoutMs: idleTimeoutMs.schema }),
  z.strictObject({ kind: z.literal('tcp-client'), address, port: clientPort.schema, recvSize: recvSize.schema, timeoutMs: timeoutMs.schema }),
  z.strictObject({ kind: z.literal('udp-server'), address, port: serverPort.schema, recvSize: recvSize.schema }),
  z.strictObject({ kind: z.literal('udp-client'), address, port: clientPort.schema, recvSize: recvSize.schema, timeoutMs: timeoutMs.schema }),
  z.strictObject({ kind: z.literal('http-server'), address, port: serverPort.schema, root: z.string().min(1, say('Choose the folder to serve')).max(4096) }),
  z.strictObject({ kind: z.literal('http-client'), recvOnce: z.boolean(), family })
])

/** Every kind of the table has its config schema (the union compiles only if none is missing). */
export const SCHEMAS_COVER_EVERY_KIND: NamesAll<EndpointConfigKinds, EndpointKind> = true
type EndpointConfigKinds = z.infer<typeof endpointConfigSchema>['kind'][]

const endpointId = z.string().max(64).regex(ENDPOINT_ID, 'not an endpoint id')
const input = z.string().max(INPUT_MAX_CHARS, say(`the input is longer than ${INPUT_MAX_CHARS} characters`))

/** The longest line a window writes is the echo of the longest input. */
const windowLine = z
  .strictObject({
    console: z.string().max(24).regex(CONSOLE_KEY, 'not a console of the window'),
    endpoint: endpointId.optional(),
    style: z.enum(['note', 'error', 'input']),
    text: z
      .string()
      .max(INPUT_MAX_CHARS, `a console line is longer than ${INPUT_MAX_CHARS} characters`)
      .refine((text) => !CONTROL_CHARACTER.test(text), 'a console line may not hold control characters')
  })
  .refine((line) => line.endpoint === undefined || endpointFitsConsole(line.endpoint, line.console), { error: 'that endpoint does not speak in that console', path: ['endpoint'] })

export const argSchemas: { [V in Verb]: z.ZodType<ArgsOf<V>> } = {
  hostInfo: z.tuple([]),
  start: z.tuple([endpointConfigSchema]),
  stop: z.tuple([endpointId]),
  connect: z.tuple([endpointId]),
  send: z.tuple([endpointId, input]),
  list: z.tuple([]),
  history: z.tuple([]),
  writeConsole: z.tuple([windowLine]),
  chooseFolder: z.tuple([]),
  captureStatus: z.tuple([]),
  startCapture: z.tuple([]),
  stopCapture: z.tuple([]),
  wireHistory: z.tuple([]),
  kernelState: z.tuple([]),
  exportPcapng: z.tuple([])
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

/** The first problem with an endpoint config in a student's words, or null when the host will take it. */
export function configProblem(config: unknown): string | null {
  const checked = endpointConfigSchema.safeParse(config)
  return checked.success ? null : describeIssue(checked.error)
}
