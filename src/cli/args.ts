// Command-line options as the course's programs read them (-a, -p, -6, -h), on node:util parseArgs.

import { parseArgs } from 'node:util'
import type { Family } from '../shared/events'
import type { EndpointKind } from '../shared/endpoint-kinds'
import { ENDPOINT_KINDS, ROLES } from '../shared/endpoint-kinds'
import { CLIENTS, describe, SERVERS, type ProgramOptions } from '../shared/kinds'
import { addressProblem, DEFAULT_PORT, defaultClientAddress, defaultServerAddress, MAX_PORT, MIN_PORT, parseCoursePort, PORT_RULE } from '../shared/address'
import {
  CLIENT_TIMEOUT_MAX_MS,
  CLIENT_TIMEOUT_MIN_MS,
  IDLE_TIMEOUT_DEFAULT_MS,
  IDLE_TIMEOUT_MAX_MS,
  RECV_SIZE_MAX,
  RECV_SIZE_MIN,
  UDP_TIMEOUT_DEFAULT_MS
} from '../shared/limits'
import { fields, type NumberField } from '../shared/schemas'
import { CHUNK_DELAY_MAX_MS, CHUNKS_MAX, CHUNKS_MIN, STREAM_DEFAULTS, streamFields } from '../shared/endpoint-kinds'
import { said } from '../shared/i18n/said'
import { cliWords, SaidError, verbatim } from './words'

/** Bad input: printed as one `ERROR:` line (in the CLI's language), exit status 2. */
export class UsageError extends SaidError {}

type ParseOptions = Record<string, OptionSpec & { multiple?: boolean }>

/**
 * Parses a command line on node:util parseArgs, and says what is wrong with it in the CLI's
 * language (parseArgs' own messages are English): each token is checked as strict mode would.
 */
export function parseCommandLine(program: string, argv: string[], options: ParseOptions, allowPositionals = false): { values: Record<string, unknown>; positionals: string[] } {
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true })
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') break
    if (token.kind === 'positional') {
      if (!allowPositionals) throw new UsageError(said('cli:errors.unexpectedArgument', { arg: token.value, program }))
      continue
    }
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined
    if (!spec) throw new UsageError(said('cli:errors.unknownOption', { option: token.rawName }))
    if (spec.type === 'string' && token.value === undefined) throw new UsageError(said('cli:errors.missingValue', { option: token.rawName }))
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(said('cli:errors.noValue', { option: token.rawName }))
    // `-p --concurrent`: the option after -p is taken for its value, as strict parseArgs refuses too.
    if (spec.type === 'string' && !token.inlineValue && token.value !== undefined && token.value.length > 1 && token.value.startsWith('-')) {
      throw new UsageError(said('cli:errors.optionAsValue', { option: token.rawName, value: token.value, name: token.name }))
    }
  }
  return { values: parsed.values, positionals: parsed.positionals }
}

/**
 * The course's programs, each an endpoint kind of the table, and the window's browser host. The
 * command line offers the course's programs only: a kind added for the window (a relay, a pinger)
 * needs no program of its own.
 */
const PROGRAMS = ['tcp-server', 'tcp-client', 'udp-server', 'udp-client', 'http-server', 'http-client'] as const satisfies readonly EndpointKind[]
export type Command = (typeof PROGRAMS)[number] | 'web'
export const COMMANDS: readonly Command[] = [...PROGRAMS, 'web']

/** It binds an address to be reached at (a server, a relay, the browser host): its -a defaults to the server's address. */
/** The values a program's options default to: its kind's (shared/kinds), stated once for the CLI and the window. */
const defaultsOf = (command: Command): { recvSize?: number; timeoutMs?: number; idleTimeoutMs?: number } => (command === 'web' ? {} : describe(command)!.defaults)
/** The receive size of the course's TCP programs: what an option no kind states defaults to. */
const COURSE_RECV_SIZE = SERVERS['tcp-server'].defaults.recvSize!

const serves = (command: Command): boolean => command === 'web' || ROLES[ENDPOINT_KINDS[command].role].listens

type OptionSpec = { type: 'string' | 'boolean'; short?: string }

const common = {
  help: { type: 'boolean', short: 'h' },
  address: { type: 'string', short: 'a' },
  port: { type: 'string', short: 'p' },
  ipv6: { type: 'boolean', short: '6' }
} satisfies Record<string, OptionSpec>

const extra: Record<Command, Record<string, OptionSpec>> = {
  'tcp-server': { 'recv-size': { type: 'string' }, concurrent: { type: 'boolean' }, 'idle-timeout': { type: 'string' }, ...{ 'keep-open': { type: 'boolean' } } },
  'tcp-client': {
    message: { type: 'string', short: 'm' },
    'recv-size': { type: 'string' },
    timeout: { type: 'string' },
    ...{ chunks: { type: 'string' }, 'chunk-delay': { type: 'string' }, nodelay: { type: 'boolean' }, session: { type: 'boolean' } }
  },
  'udp-server': { 'recv-size': { type: 'string' } },
  'udp-client': { message: { type: 'string', short: 'm' }, 'recv-size': { type: 'string' }, timeout: { type: 'string' } },
  'http-server': { directory: { type: 'string', short: 'd' }, dotfiles: { type: 'boolean' } },
  'http-client': { 'recv-once': { type: 'boolean' } },
  web: { 'no-open': { type: 'boolean' } }
}

/** The options of a program: those its kind makes its config from (shared/kinds), and the CLI's own. */
export interface Options extends ProgramOptions {
  help: boolean
  message?: string
  /** http-client: URLs given on the command line. */
  urls: string[]
  /** web: open the page in the default browser (--no-open skips it). */
  open: boolean
}

export function parseOptions(command: Command, argv: string[]): Options {
  const parsed = parseCommandLine(command, argv, { ...common, ...extra[command] }, command === 'http-client')
  const v = parsed.values as Record<string, string | boolean | undefined>
  const family: Family = v.ipv6 ? 'IPv6' : 'IPv4'
  const isServer = serves(command)
  const address = typeof v.address === 'string' ? v.address : isServer ? defaultServerAddress(family) : defaultClientAddress(family)
  if (command !== 'web') {
    if (addressProblem(address)) throw new UsageError(said('cli:errors.invalidAddress', { address }))
  }
  const defaultPort = command === 'web' ? 0 : describe(command)!.port
  let port = defaultPort
  if (typeof v.port === 'string') {
    // The browser host may take 0 (any free port); the course's programs keep their rule.
    const webAny = command === 'web' && v.port === '0'
    const p = webAny ? 0 : parseCoursePort(v.port)
    // The course's own error line: the same in every language, as the Python programs print it.
    if (p === null) throw new UsageError(verbatim(PORT_RULE))
    port = p
  }
  return {
    help: v.help === true,
    family,
    address,
    port,
    recvSize: checked(fields.recvSize, '--recv-size', v['recv-size'], wholeNumber, defaultsOf(command).recvSize ?? COURSE_RECV_SIZE),
    concurrent: v.concurrent === true,
    idleTimeoutMs: checked(fields.idleTimeoutMs, '--idle-timeout', v['idle-timeout'], milliseconds, defaultsOf(command).idleTimeoutMs ?? IDLE_TIMEOUT_DEFAULT_MS),
    timeoutMs: checked(fields.timeoutMs, '--timeout', v.timeout, milliseconds, defaultsOf(command).timeoutMs ?? UDP_TIMEOUT_DEFAULT_MS),
    message: typeof v.message === 'string' ? v.message : undefined,
    directory: typeof v.directory === 'string' ? v.directory : process.cwd(),
    dotfiles: v.dotfiles === true,
    recvOnce: v['recv-once'] === true,
    urls: parsed.positionals,
    open: v['no-open'] !== true,
    stream: streamOptions(v)
  }
}

/** The stream options of tcp-server and tcp-client, checked by the rules the window applies. */
function streamOptions(v: Record<string, string | boolean | undefined>): Options['stream'] {
  if (v.session === true && typeof v.message === 'string') throw new UsageError(said('cli:errors.sessionMessage'))
  return {
    keepOpen: v['keep-open'] === true,
    chunks: checked(streamFields.chunks, '--chunks', v.chunks, wholeNumber, STREAM_DEFAULTS.chunks),
    chunkDelayMs: checked(streamFields.chunkDelayMs, '--chunk-delay', v['chunk-delay'], wholeNumber, STREAM_DEFAULTS.chunkDelayMs),
    ...(v.nodelay === true && { noDelay: true as const }),
    session: v.session === true
  }
}

const wholeNumber = (text: string): number => (/^\d+$/.test(text) ? Number(text) : NaN)
const milliseconds = (text: string): number => (text.trim() === '' ? NaN : Math.round(Number(text) * 1000))

/** A number as it is typed on a command line (0.5, 1024), not as prose writes it. */
export const typed = (n: number): string => String(n)
const seconds = (ms: number): string => typed(ms / 1000)

/** The rule of each numeric option in words, from the same limits the window and the hosts apply. */
const RULES = {
  '--recv-size': said('cli:errors.recvSize', { min: typed(RECV_SIZE_MIN), max: typed(RECV_SIZE_MAX) }),
  '--timeout': said('cli:errors.timeout', { min: seconds(CLIENT_TIMEOUT_MIN_MS), max: seconds(CLIENT_TIMEOUT_MAX_MS) }),
  '--idle-timeout': said('cli:errors.idleTimeout', { max: seconds(IDLE_TIMEOUT_MAX_MS) }),
  '--chunks': said('cli:errors.chunks', { min: typed(CHUNKS_MIN), max: typed(CHUNKS_MAX) }),
  '--chunk-delay': said('cli:errors.chunkDelay', { max: typed(CHUNK_DELAY_MAX_MS) })
}

/** An option's value, checked by the same rule the window and the hosts apply, and named by its flag. */
function checked(field: NumberField, flag: keyof typeof RULES, text: unknown, parse: (text: string) => number, fallback: number): number {
  if (typeof text !== 'string') return fallback
  const value = parse(text)
  if (!field.schema.safeParse(value).success) throw new UsageError(RULES[flag])
  return value
}

/**
 * Columns of an option's help: the option, then `-->` and its words (a second line of words under
 * the first). An option too wide for its column stands on its own line, its words under it.
 */
export function optionLine(option: string, words: string): string {
  const [first, ...more] = words.split('\n')
  const indent = ' '.repeat(OPTION_WIDTH + 4)
  const head = option.length < OPTION_WIDTH ? [`${option.padEnd(OPTION_WIDTH)}--> ${first}`] : [option, `${' '.repeat(OPTION_WIDTH)}--> ${first}`]
  return [...head, ...more.map((line) => indent + line)].join('\n')
}
const OPTION_WIDTH = 17

/** The usage of a program: its synopsis, what it is, and each option with what it does. */
export function usage(command: Command): string {
  const t = cliWords()
  const m = { addr: t('cli:usage.meta.addr'), text: t('cli:usage.meta.text'), dir: t('cli:usage.meta.dir') }
  const port = command === 'web' ? DEFAULT_PORT : describe(command)!.port
  const server = command !== 'web' && serves(command)
  const family = [
    optionLine(
      `-a ${m.addr}`,
      server
        ? t('cli:usage.serverAddress', { v4: defaultServerAddress('IPv4'), v6: defaultServerAddress('IPv6') })
        : t('cli:usage.clientAddress', { v4: defaultClientAddress('IPv4'), v6: defaultClientAddress('IPv6') })
    ),
    optionLine('-p N', t('cli:usage.port', { min: typed(MIN_PORT), max: typed(MAX_PORT), port: typed(port) })),
    optionLine('-6', t('cli:usage.ipv6'))
  ]
  const recvSize = (size: number): string => typed(size)
  const parts: Record<Command, { synopsis: string; about: string; options: string[] }> = {
    'tcp-server': {
      synopsis: `socklab tcp-server [-a ${m.addr}] [-p N] [-6] [--concurrent] [--recv-size N] [--idle-timeout S] [--keep-open]`,
      about: t('cli:usage.tcpServer.about'),
      options: [
        ...family,
        optionLine('--concurrent', t('cli:usage.tcpServer.concurrent')),
        optionLine('--recv-size N', t('cli:usage.tcpServer.recvSize', { size: recvSize(SERVERS['tcp-server'].defaults.recvSize!) })),
        optionLine('--idle-timeout S', t('cli:usage.tcpServer.idleTimeout', { seconds: seconds(SERVERS['tcp-server'].defaults.idleTimeoutMs!) })),
        optionLine('--keep-open', t('cli:usage.tcpServer.keepOpen'))
      ]
    },
    'tcp-client': {
      synopsis: `socklab tcp-client [-a ${m.addr}] [-p N] [-6] [-m ${m.text} | --session] [--timeout S] [--recv-size N] [--chunks N [--chunk-delay MS]] [--nodelay]`,
      about: t('cli:usage.tcpClient.about'),
      options: [
        ...family,
        optionLine(`-m ${m.text}`, t('cli:usage.tcpClient.message')),
        optionLine('--timeout S', t('cli:usage.tcpClient.timeout', { seconds: seconds(CLIENTS['tcp-client'].defaults.timeoutMs!) })),
        optionLine('--recv-size N', t('cli:usage.tcpClient.recvSize', { size: recvSize(CLIENTS['tcp-client'].defaults.recvSize!) })),
        optionLine('--session', t('cli:usage.tcpClient.session')),
        optionLine('--chunks N', t('cli:usage.tcpClient.chunks', { min: typed(CHUNKS_MIN), max: typed(CHUNKS_MAX) })),
        optionLine('--chunk-delay MS', t('cli:usage.tcpClient.chunkDelay', { max: typed(CHUNK_DELAY_MAX_MS) })),
        optionLine('--nodelay', t('cli:usage.tcpClient.nodelay'))
      ]
    },
    'udp-server': {
      synopsis: `socklab udp-server [-a ${m.addr}] [-p N] [-6] [--recv-size N]`,
      about: t('cli:usage.udpServer.about'),
      options: [...family, optionLine('--recv-size N', t('cli:usage.udpServer.recvSize', { size: recvSize(SERVERS['udp-server'].defaults.recvSize!) }))]
    },
    'udp-client': {
      synopsis: `socklab udp-client [-a ${m.addr}] [-p N] [-6] [-m ${m.text}] [--timeout S] [--recv-size N]`,
      about: t('cli:usage.udpClient.about'),
      options: [
        ...family,
        optionLine(`-m ${m.text}`, t('cli:usage.udpClient.message')),
        optionLine('--timeout S', t('cli:usage.udpClient.timeout', { seconds: seconds(CLIENTS['udp-client'].defaults.timeoutMs!) })),
        optionLine('--recv-size N', t('cli:usage.udpClient.recvSize', { size: recvSize(CLIENTS['udp-client'].defaults.recvSize!) }))
      ]
    },
    'http-server': {
      synopsis: `socklab http-server [-a ${m.addr}] [-p N] [-6] [-d ${m.dir}] [--dotfiles]`,
      about: t('cli:usage.httpServer.about', { dir: m.dir }),
      options: [...family, optionLine(`-d ${m.dir}`, t('cli:usage.httpServer.directory')), optionLine('--dotfiles', t('cli:usage.httpServer.dotfiles'))]
    },
    'http-client': {
      synopsis: 'socklab http-client [-6] [--recv-once] [URL ...]',
      about: t('cli:usage.httpClient.about'),
      options: [
        optionLine('URL', t('cli:usage.httpClient.url', { star: 'http://127.0.0.1:8080/', star6: '[::1]' })),
        optionLine('--recv-once', t('cli:usage.httpClient.recvOnce')),
        optionLine('-6', t('cli:usage.httpClient.ipv6'))
      ]
    },
    web: {
      synopsis: 'socklab web [-p N] [-6] [--no-open]',
      about: t('cli:usage.web.about'),
      options: [
        optionLine('-p N', t('cli:usage.web.port', { min: typed(MIN_PORT), max: typed(MAX_PORT) })),
        optionLine('-6', t('cli:usage.web.ipv6')),
        optionLine('--no-open', t('cli:usage.web.noOpen'))
      ]
    }
  }
  const { synopsis, about, options } = parts[command]
  return [t('cli:usage.title', { synopsis }), about, ...options, ...commonOptionLines()].join('\n')
}

/** The options every command takes: --lang and -h. */
export function commonOptionLines(): string[] {
  const t = cliWords()
  return [optionLine('--lang it|en', t('cli:usage.lang')), optionLine('-h', t('cli:usage.help'))]
}

export function topUsage(): string {
  const t = cliWords()
  return [
    t('cli:top.usage'),
    '',
    t('cli:top.programs'),
    '  tcp-server   tcp-client   udp-server   udp-client   http-server   http-client',
    t('cli:top.web'),
    '  web',
    t('cli:top.watch'),
    '  watch',
    t('cli:top.network'),
    '  relay   udp-ping   udp-ping-server',
    t('check:usage.top'),
    '  check tcp-server|udp-server|http-server|tcp-client|udp-client|udp-ping-client',
    t('net:top'),
    '  addresses [--json]',
    '',
    t('cli:top.lang')
  ].join('\n')
}
