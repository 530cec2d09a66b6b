// `socklab check <what> …`: grades a student's own program. socklab plays the other side
// (src/check), prints the checklist in the CLI's language (or Gradescope's JSON with --json) and
// exits 0 only when every item passed; 1 when one did not (or a case file is broken, or the check
// could not run); 2 for a wrong command line.

import { addressProblem, DEFAULT_HTTP_PORT, DEFAULT_PORT, MAX_PORT, MIN_PORT, parseCoursePort, PORT_RULE } from '../shared/address'
import { said } from '../shared/i18n/said'
import { CHECKS, setSchemaLanguage, type CheckName } from '../check/cases'
import { renderJson, renderText } from '../check/report'
import { isServerCheck, runCheck, type CheckOptions } from '../check/runner'
import { SetupError } from '../check/play-server'
import { commonOptionLines, optionLine, parseCommandLine, typed, UsageError } from './args'
import { cliLang, cliWords, spoken, verbatim } from './words'

const SPEC = {
  help: { type: 'boolean', short: 'h' },
  address: { type: 'string', short: 'a' },
  port: { type: 'string', short: 'p' },
  ipv6: { type: 'boolean', short: '6' },
  root: { type: 'string' },
  concurrent: { type: 'boolean' },
  cases: { type: 'string', multiple: true },
  'no-builtin': { type: 'boolean' },
  json: { type: 'boolean' }
} as const

export function checkUsage(): string {
  const t = cliWords()
  return [
    t('check:usage.title', { synopsis: 'socklab check tcp-server|udp-server|http-server [-a HOST] [-p N] [-6] [--concurrent] [--root DIR] [--cases FILE|DIR] [--json] [-- COMMAND…]' }),
    t('check:usage.title2', { synopsis: 'socklab check tcp-client|udp-client|udp-ping-client [-a HOST] [-p N] [-6] [--cases FILE|DIR] [--json] -- COMMAND…' }),
    t('check:usage.what'),
    optionLine('-a HOST', t('check:usage.address')),
    optionLine('-p N', t('check:usage.port', { min: typed(MIN_PORT), max: typed(MAX_PORT), port: typed(DEFAULT_PORT), http: typed(DEFAULT_HTTP_PORT) })),
    optionLine('-6', t('check:usage.ipv6')),
    optionLine('--concurrent', t('check:usage.concurrent')),
    optionLine('--root DIR', t('check:usage.root')),
    optionLine('--cases FILE|DIR', t('check:usage.cases')),
    optionLine('--no-builtin', t('check:usage.noBuiltin')),
    optionLine('--json', t('check:usage.json')),
    optionLine('-- COMMAND…', t('check:usage.command')),
    ...commonOptionLines()
  ].join('\n')
}

/** `check …` as typed after `check`: the options, or a UsageError. */
export function parseCheckArgv(argv: string[]): CheckOptions | 'help' {
  const cut = argv.indexOf('--')
  const mine = cut >= 0 ? argv.slice(0, cut) : argv
  const command = cut >= 0 ? argv.slice(cut + 1) : []
  const { values, positionals } = parseCommandLine('check', mine, SPEC, true)
  if (values.help === true) return 'help'
  const [what, ...extra] = positionals
  if (what === undefined) throw new UsageError(said('check:errors.whichCheck', { checks: CHECKS.join(', ') }))
  if (!(CHECKS as readonly string[]).includes(what)) throw new UsageError(said('check:errors.unknownCheck', { check: what, checks: CHECKS.join(', ') }))
  if (extra.length > 0) throw new UsageError(said('cli:errors.unexpectedArgument', { arg: extra[0], program: `check ${what}` }))
  const check = what as CheckName
  const ipv6 = values.ipv6 === true
  const host = typeof values.address === 'string' ? values.address : ipv6 ? '::1' : '127.0.0.1'
  if (addressProblem(host)) throw new UsageError(said('cli:errors.invalidAddress', { address: host }))
  let port = check === 'http-server' ? DEFAULT_HTTP_PORT : DEFAULT_PORT
  if (typeof values.port === 'string') {
    const p = parseCoursePort(values.port)
    if (p === null) throw new UsageError(verbatim(PORT_RULE))
    port = p
  }
  if (!isServerCheck(check) && command.length === 0) throw new UsageError(said('check:setup.needsCommand', { check }))
  if (check === 'http-server' && typeof values.root !== 'string' && command.length === 0) throw new UsageError(said('check:setup.needsRoot'))
  if (check !== 'http-server' && typeof values.root === 'string') throw new UsageError(said('check:errors.onlyFor', { option: '--root', check: 'http-server' }))
  if (check !== 'tcp-server' && values.concurrent === true) throw new UsageError(said('check:errors.onlyFor', { option: '--concurrent', check: 'tcp-server' }))
  const cases = Array.isArray(values.cases) ? (values.cases as string[]) : []
  if (values['no-builtin'] === true && cases.length === 0) throw new UsageError(said('check:errors.noCases'))
  return {
    check,
    host,
    port,
    portGiven: typeof values.port === 'string',
    concurrent: values.concurrent === true,
    root: typeof values.root === 'string' ? values.root : undefined,
    argv: command,
    cases,
    builtin: values['no-builtin'] !== true
  }
}

export async function runCheckCommand(argv: string[]): Promise<number> {
  const options = parseCheckArgv(argv)
  if (options === 'help') {
    process.stdout.write(`${checkUsage()}\n`)
    return 0
  }
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--json')
  const t = cliWords()
  const lang = cliLang()
  setSchemaLanguage(lang)
  // Ctrl-C ends the check like any program; the student's program goes with it (program.ts).
  const stop = (): void => process.exit(130)
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    const result = await runCheck(options)
    process.stdout.write(json ? `${JSON.stringify(renderJson(t, lang, result), null, 2)}\n` : renderText(t, lang, result))
    return result.passed ? 0 : 1
  } catch (err) {
    if (!(err instanceof SetupError)) throw err
    const message = spoken(err.said)
    if (json) process.stdout.write(`${JSON.stringify({ score: 0, max_score: 0, output: message, tests: [] }, null, 2)}\n`)
    process.stderr.write(`ERROR: ${message}\n`)
    return 1
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}
