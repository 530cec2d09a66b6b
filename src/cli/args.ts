// Command-line options as the course's programs read them (-a, -p, -6, -h), on node:util parseArgs.

import { parseArgs } from 'node:util'
import type { Family, Proto } from '../shared/events'
import type { EndpointKind } from '../shared/endpoint-kinds'
import { ENDPOINT_KINDS } from '../shared/endpoint-kinds'
import { addressProblem, DEFAULT_HTTP_PORT, DEFAULT_PORT, defaultClientAddress, defaultServerAddress, parseCoursePort, PORT_RULE } from '../shared/address'
import { IDLE_TIMEOUT_DEFAULT_MS, TCP_TIMEOUT_DEFAULT_MS, UDP_TIMEOUT_DEFAULT_MS } from '../shared/limits'
import { fields, type NumberField } from '../shared/schemas'

/** Bad input: printed as one `ERROR:` line with the usage, exit status 2. */
export class UsageError extends Error {}

/**
 * The course's programs, each an endpoint kind of the table, and the window's browser host. The
 * command line offers the course's programs only: a kind added for the window (a relay, a pinger)
 * needs no program of its own.
 */
const PROGRAMS = ['tcp-server', 'tcp-client', 'udp-server', 'udp-client', 'http-server', 'http-client'] as const satisfies readonly EndpointKind[]
export type Command = (typeof PROGRAMS)[number] | 'web'
export const COMMANDS: readonly Command[] = [...PROGRAMS, 'web']

const serves = (command: Command): boolean => command === 'web' || ENDPOINT_KINDS[command].role === 'server'
const protoOf = (command: Exclude<Command, 'web'>): Proto => ENDPOINT_KINDS[command].proto

type OptionSpec = { type: 'string' | 'boolean'; short?: string }

const common = {
  help: { type: 'boolean', short: 'h' },
  address: { type: 'string', short: 'a' },
  port: { type: 'string', short: 'p' },
  ipv6: { type: 'boolean', short: '6' }
} satisfies Record<string, OptionSpec>

const extra: Record<Command, Record<string, OptionSpec>> = {
  'tcp-server': { 'recv-size': { type: 'string' }, concurrent: { type: 'boolean' }, 'idle-timeout': { type: 'string' } },
  'tcp-client': { message: { type: 'string', short: 'm' }, 'recv-size': { type: 'string' }, timeout: { type: 'string' } },
  'udp-server': { 'recv-size': { type: 'string' } },
  'udp-client': { message: { type: 'string', short: 'm' }, 'recv-size': { type: 'string' }, timeout: { type: 'string' } },
  'http-server': { directory: { type: 'string', short: 'd' }, dotfiles: { type: 'boolean' } },
  'http-client': { 'recv-once': { type: 'boolean' } },
  web: { 'no-open': { type: 'boolean' } }
}

export interface Options {
  help: boolean
  family: Family
  address: string
  port: number
  recvSize: number
  concurrent: boolean
  idleTimeoutMs: number
  timeoutMs: number
  message?: string
  directory: string
  /** http-server: serve names starting with "." too. */
  dotfiles: boolean
  recvOnce: boolean
  /** http-client: URLs given on the command line. */
  urls: string[]
  /** web: open the page in the default browser (--no-open skips it). */
  open: boolean
}

export function parseOptions(command: Command, argv: string[]): Options {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { ...common, ...extra[command] }, allowPositionals: command === 'http-client', strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''))
  }
  const v = parsed.values as Record<string, string | boolean | undefined>
  const family: Family = v.ipv6 ? 'IPv6' : 'IPv4'
  const isServer = serves(command)
  const address = typeof v.address === 'string' ? v.address : isServer ? defaultServerAddress(family) : defaultClientAddress(family)
  if (command !== 'web') {
    const problem = addressProblem(address)
    if (problem) throw new UsageError(problem)
  }
  const defaultPort = command === 'web' ? 0 : protoOf(command) === 'HTTP' ? DEFAULT_HTTP_PORT : DEFAULT_PORT
  let port = defaultPort
  if (typeof v.port === 'string') {
    // The browser host may take 0 (any free port); the course's programs keep their rule.
    const webAny = command === 'web' && v.port === '0'
    const p = webAny ? 0 : parseCoursePort(v.port)
    if (p === null) throw new UsageError(PORT_RULE)
    port = p
  }
  return {
    help: v.help === true,
    family,
    address,
    port,
    recvSize: checked(fields.recvSize, '--recv-size', v['recv-size'], wholeNumber, command !== 'web' && protoOf(command) === 'UDP' ? 2048 : 1024),
    concurrent: v.concurrent === true,
    idleTimeoutMs: checked(fields.idleTimeoutMs, '--idle-timeout', v['idle-timeout'], milliseconds, IDLE_TIMEOUT_DEFAULT_MS),
    timeoutMs: checked(fields.timeoutMs, '--timeout', v.timeout, milliseconds, command === 'tcp-client' ? TCP_TIMEOUT_DEFAULT_MS : UDP_TIMEOUT_DEFAULT_MS),
    message: typeof v.message === 'string' ? v.message : undefined,
    directory: typeof v.directory === 'string' ? v.directory : process.cwd(),
    dotfiles: v.dotfiles === true,
    recvOnce: v['recv-once'] === true,
    urls: parsed.positionals,
    open: v['no-open'] !== true
  }
}

const wholeNumber = (text: string): number => (/^\d+$/.test(text) ? Number(text) : NaN)
const milliseconds = (text: string): number => (text.trim() === '' ? NaN : Math.round(Number(text) * 1000))

/** An option's value, checked by the same rule the window and the hosts apply, and named by its flag. */
function checked(field: NumberField, flag: string, text: unknown, parse: (text: string) => number, fallback: number): number {
  if (typeof text !== 'string') return fallback
  const value = parse(text)
  if (!field.schema.safeParse(value).success) throw new UsageError(`${flag} must be ${field.rule}`)
  return value
}

const addressHelp = (server: boolean): string =>
  server
    ? '-a ADDR  --> listening address (default 0.0.0.0, or :: with -6)'
    : '-a ADDR  --> server address or host name (default 127.0.0.1, or ::1 with -6)'

export function usage(command: Command): string {
  const port = command !== 'web' && protoOf(command) === 'HTTP' ? DEFAULT_HTTP_PORT : DEFAULT_PORT
  const server = command !== 'web' && serves(command)
  const lines: Record<Command, string[]> = {
    'tcp-server': [
      `Usage: socklab tcp-server [-a ADDR] [-p N] [-6] [--concurrent] [--recv-size N] [--idle-timeout S]`,
      'The course TCP server: one recv() per connection, reply upper-cased, close.',
      '--concurrent     --> serve connections in parallel (default: one at a time, like the course)',
      '--recv-size N    --> bytes read by the one recv() (default 1024)',
      `--idle-timeout S --> close a connection that sends nothing for S seconds (default ${IDLE_TIMEOUT_DEFAULT_MS / 1000}, 0 = wait forever)`
    ],
    'tcp-client': [
      `Usage: socklab tcp-client [-a ADDR] [-p N] [-6] [-m TEXT] [--timeout S] [--recv-size N]`,
      'The course TCP client: connect, send a sentence, print the reply, close.',
      '-m TEXT          --> the sentence to send (default: ask for it; it cannot be empty)',
      `--timeout S      --> give up connecting, or waiting for the reply, after S seconds (default ${TCP_TIMEOUT_DEFAULT_MS / 1000})`,
      '--recv-size N    --> bytes read by the one recv() of the reply (default 1024)'
    ],
    'udp-server': [
      `Usage: socklab udp-server [-a ADDR] [-p N] [-6] [--recv-size N]`,
      'The course UDP server: each datagram is sent back upper-cased.',
      '--recv-size N    --> bytes kept of each datagram by recvfrom() (default 2048)'
    ],
    'udp-client': [
      `Usage: socklab udp-client [-a ADDR] [-p N] [-6] [-m TEXT] [--timeout S] [--recv-size N]`,
      'The course UDP client: send one datagram, print the reply.',
      '-m TEXT          --> the sentence to send (default: ask for it)',
      `--timeout S      --> give up waiting for the reply after S seconds (default ${UDP_TIMEOUT_DEFAULT_MS / 1000}): UDP loses datagrams`,
      '--recv-size N    --> bytes kept of the reply by recvfrom() (default 2048)'
    ],
    'http-server': [
      `Usage: socklab http-server [-a ADDR] [-p N] [-6] [-d DIR] [--dotfiles]`,
      'A static file server (GET, HEAD, ranges, keep-alive) that never serves a byte from outside DIR.',
      '-d DIR           --> the folder to serve (default: the current directory); never the file',
      '                     system root, a system folder or a whole home folder',
      '--dotfiles       --> also serve names starting with "." (.git, .ssh ...), hidden by default'
    ],
    'http-client': [
      `Usage: socklab http-client [-6] [--recv-once] [URL ...]`,
      'The course HTTP client: sends a raw "GET path HTTP/1.0" and prints the reply.',
      'URL              --> http://host[:port]/path; * means http://127.0.0.1:8080/ (or [::1] with -6).',
      '                     Without URLs it asks for them until an empty line.',
      '--recv-once      --> one recv(1500) like the course program (long replies come out truncated)',
      '-6               --> resolve host names and * to IPv6'
    ],
    web: [
      `Usage: socklab web [-p N] [-6] [--no-open]`,
      'The socklab window in your browser, for machines without the desktop app.',
      'Serves on 127.0.0.1 only and opens the page in your default browser. The address holds a',
      'secret token made anew each time socklab web starts: any tab on this machine may use it',
      'until you stop socklab web (Ctrl-C).',
      '-p N             --> port for the browser host in 1024..65535 (default: any free port)',
      '-6               --> serve on ::1 instead of 127.0.0.1',
      '--no-open        --> only print the address, do not open a browser'
    ]
  }
  const text = [...lines[command]]
  if (command !== 'http-client' && command !== 'web') {
    text.splice(2, 0, addressHelp(server), `-p N     --> port number in 1024..65535 (default ${port})`, '-6       --> use IPv6 defaults')
  }
  return [...text, '-h       --> help'].join('\n')
}

export function topUsage(): string {
  return [
    'Usage: socklab <program> [options]      (socklab <program> -h for its options)',
    '',
    'The socket programs of the course, on real sockets:',
    '  tcp-server   tcp-client   udp-server   udp-client   http-server   http-client',
    'and the lab window in a browser:',
    '  web',
    'and the real packets on any ports (capture with Wireshark\'s tools):',
    '  watch'
  ].join('\n')
}
