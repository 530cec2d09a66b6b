// The CLI's language: the environment's (LC_ALL, LC_MESSAGES, LANG), or --lang it|en. Every word
// the CLI says of its own comes through cliT(); the course programs' lines never do.

import type { i18n, TFunction } from 'i18next'
import { createI18n, langOfEnv, type UiLang } from '../shared/i18n/i18n'

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

export function cliLang(): string {
  if (!instance) setCliLang()
  return instance!.language
}
