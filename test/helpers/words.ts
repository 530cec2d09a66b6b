// Words for tests, as the window and the CLI make them: a Said (or a host's sentence), or an
// event's words, from the catalogs (English by default; Italian where a test asks).

import { createI18n, type UiLang } from '../../src/shared/i18n/i18n'
import { isSaid, say, type Said } from '../../src/shared/i18n/said'
import { eventWords, type TFunction } from '../../src/shared/event-words'
import type { LabEvent } from '../../src/shared/events'

export const enT = createI18n('en').t
export const itT = createI18n('it').t

/** The English words of a Said (a string stays as it is; undefined too). */
export function english<T extends Said | string | undefined>(w: T): T extends undefined ? undefined : string {
  return (isSaid(w) ? say(enT, w) : w) as T extends undefined ? undefined : string
}

/** The Italian words of a Said. */
export function italian(w: Said | string): string {
  return isSaid(w) ? say(itT, w) : w
}

const byLang = new Map<UiLang, TFunction>()

/** t() of a language (English unless asked). */
export function tOf(lang: UiLang = 'en'): TFunction {
  let t = byLang.get(lang)
  if (!t) byLang.set(lang, (t = createI18n(lang).t as TFunction))
  return t
}

/** An event's words, as the log and the consoles show them, in English (or `lang`). */
export function words(e: LabEvent, lang: UiLang = 'en'): string {
  return eventWords(e, tOf(lang))
}
