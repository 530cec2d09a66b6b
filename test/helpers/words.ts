// Events carry meaning as data: tests that read an event's words render them as the window and the
// CLI do, from the catalogs (English by default; createI18n('it') for Italian).

import { createI18n, type UiLang } from '../../src/shared/i18n/i18n'
import { eventWords, type TFunction } from '../../src/shared/event-words'
import type { LabEvent } from '../../src/shared/events'

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
