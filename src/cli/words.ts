// The CLI's language: the environment's (LC_ALL, LC_MESSAGES, LANG), or --lang it|en. Every word
// the CLI says of its own comes through cliT(); the course programs' lines never do.

import type { i18n, TFunction } from 'i18next'
import { createI18n, isLang, langOfEnv, type Lang, type UiLang } from '../shared/i18n/i18n'
import { isSaid, said, say, type Said } from '../shared/i18n/said'
import type { Namespace } from '../shared/i18n/resources'

let instance: i18n | undefined

/** Chooses the CLI's language (main() calls it with --lang if given, else from the environment). */
export function setCliLang(lang: UiLang = langOfEnv(process.env)): void {
  instance = createI18n(lang)
}

/** The CLI's t(): in the environment's language until setCliLang() says otherwise. */
export function cliT(): TFunction {
  if (!instance) setCliLang()
  return instance!.t
}

/** The CLI's t() for keys of any catalog, written `namespace:key` ('cli:usage.help'). */
export const cliWords = (): TFunction<Namespace[]> => cliT()

export function cliLang(): string {
  if (!instance) setCliLang()
  return instance!.language
}

let english: i18n | undefined

/**
 * An error that says its meaning as a Said: the words are made when it is printed, in the CLI's
 * language (`spoken()`). Its `message` is the English, for a stack trace or a log.
 */
export class SaidError extends Error {
  constructor(readonly said: Said) {
    english ??= createI18n('en')
    super(say(english.t, said))
  }
}

/**
 * Words that are never translated, as a Said: the course programs' own lines (`-p option must be
 * an integer in 1024..65535` is the course's), and words another part of socklab has not yet made
 * a Said of. The catalogs hold `{{text}}` in every language.
 */
export const verbatim = (text: string): Said => said('cli:verbatim', { text })
const VERBATIM = 'cli:verbatim'

/**
 * What something that went wrong says, in the CLI's language: its Said (an error or a problem that
 * carries one as `said`), else its message as it is.
 */
export function spoken(x: unknown): string {
  const s = saidOf(x)
  // Verbatim words skip the catalogs altogether (the pseudo locale would mark them as translated).
  if (s.key === VERBATIM) return String(s.params?.text ?? '')
  return say(cliT(), s)
}

/**
 * What another part of socklab reports, as a Said: its own (`said`), else its words as they are
 * (`error`, `message`) until it carries one.
 */
export function saidOf(x: unknown): Said {
  if (isSaid(x)) return x
  const o = (x ?? {}) as { said?: unknown; error?: unknown; message?: unknown }
  if (isSaid(o.said)) return o.said
  if (isSaid(o.error)) return o.error
  if (typeof o.error === 'string') return verbatim(o.error)
  if (typeof o.message === 'string') return verbatim(o.message)
  return verbatim(String(x))
}

/** What `--lang` asks for: a language, nothing (the environment decides), or a mistake to report. */
export type LangChoice = { lang?: Lang; rest: string[]; problem?: Said }

/**
 * Takes `--lang it|en` (or `--lang=it`) out of a command line, wherever it stands before `--`, so
 * that the language is known before anything is printed and the programs never see the option.
 */
export function takeLang(argv: string[]): LangChoice {
  const rest: string[] = []
  let lang: Lang | undefined
  let problem: Said | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    let value: string | undefined
    if (arg === '--lang') {
      value = argv[i + 1]
      if (value === undefined || value.startsWith('-')) {
        problem ??= said('cli:lang.missing')
        continue
      }
      i++
    } else if (arg.startsWith('--lang=')) value = arg.slice('--lang='.length)
    else {
      rest.push(arg)
      continue
    }
    if (isLang(value)) lang = value
    else problem ??= said('cli:lang.invalid', { lang: value })
  }
  return { lang, rest, problem }
}
