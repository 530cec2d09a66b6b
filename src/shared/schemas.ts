// Run-time validation of everything that crosses into main, whatever its compile-time type claims.
// A compromised renderer can send anything: these schemas are the only door.

import { z } from 'zod'
import { addressProblem, MAX_PORT, MIN_PORT } from './address'
import type { ArgsOf, Verb } from './contract'

const address = z
  .string()
  .min(1, 'the address is empty')
  .max(253)
  .superRefine((value, ctx) => {
    const problem = addressProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/** Servers: 1024..65535 as in the course, or 0 to let the system choose a free port. */
const serverPort = z
  .number()
  .int()
  .refine((p) => p === 0 || (p >= MIN_PORT && p <= MAX_PORT), `the port must be an integer in ${MIN_PORT}..${MAX_PORT}`)
/** Clients may reach any port a server can listen on, 80 included. */
const clientPort = z.number().int().min(1).max(MAX_PORT)
const recvSize = z.number().int().min(1).max(65536)
const family = z.enum(['IPv4', 'IPv6'])

export const endpointConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('tcp-server'),
    address,
    port: serverPort,
    recvSize,
    concurrent: z.boolean(),
    idleTimeoutMs: z.number().int().min(0).max(3_600_000)
  }),
  z.strictObject({ kind: z.literal('tcp-client'), address, port: clientPort, recvSize }),
  z.strictObject({ kind: z.literal('udp-server'), address, port: serverPort, recvSize }),
  z.strictObject({
    kind: z.literal('udp-client'),
    address,
    port: clientPort,
    recvSize,
    timeoutMs: z.number().int().min(100).max(60_000)
  }),
  z.strictObject({ kind: z.literal('http-server'), address, port: serverPort, root: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('http-client'), recvOnce: z.boolean(), family })
])

const endpointId = z.string().regex(/^[a-z-]+-\d+$/, 'not an endpoint id').max(64)
/** A sentence or a URL typed by a student; 64 KiB is far more than a console line. */
const input = z.string().max(65536, 'the input is longer than 64 KiB')

export const argSchemas: { [V in Verb]: z.ZodType<ArgsOf<V>> } = {
  hostInfo: z.tuple([]),
  start: z.tuple([endpointConfigSchema]),
  stop: z.tuple([endpointId]),
  connect: z.tuple([endpointId]),
  send: z.tuple([endpointId, input]),
  list: z.tuple([]),
  history: z.tuple([]),
  chooseFolder: z.tuple([])
}

/** The first problem with a zod error, as one line. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid request'
  const where = issue.path.filter((p) => typeof p !== 'number' || issue.path.length > 1).join('.')
  return where ? `${where}: ${issue.message}` : issue.message
}
