// The window's language: chosen once at start (the address's ?lang=, then the one this user last
// chose, then the browser's or the OS's languages), switched at once from the header, and kept.

import type { i18n } from 'i18next'
import { createI18n, isLang, isUiLang, langOfBrowser, type Lang, type UiLang } from '../../../shared/i18n/i18n'

const LANG_KEY = 'socklab.lang'

let instance: i18n | undefined
/** Tells the host the user's choice (LabApi.setLanguage), so that the next run opens in it. */
let remember: ((lang: Lang) => Promise<unknown>) | undefined

/**
 * The language to open in. `saved` is what the host remembers for this user (it outlives the
 * browser host's port, which changes every run and with it localStorage's origin).
 */
export function initialLanguage(saved: string | undefined, search = location.search, stored = localStorage.getItem(LANG_KEY), languages: readonly string[] = navigator.languages): UiLang {
  const asked = new URLSearchParams(search).get('lang')
  if (isUiLang(asked)) return asked
  if (isLang(saved)) return saved
  if (isLang(stored)) return stored
  return langOfBrowser(languages)
}

/** Makes the window's i18next instance, in `lang`; called once, before the first render. */
export function startLanguage(lang: UiLang, save?: (lang: Lang) => Promise<unknown>): i18n {
  instance = createI18n(lang)
  remember = save
  document.documentElement.lang = lang === 'pseudo' ? 'en' : lang
  return instance
}

export function windowI18n(): i18n {
  if (!instance) throw new Error('startLanguage() was not called')
  return instance
}

/** Switches every word of the window at once; React re-renders what used them, nothing reloads. */
export async function switchLanguage(lang: Lang): Promise<void> {
  const i = windowI18n()
  await i.changeLanguage(lang)
  document.documentElement.lang = lang
  localStorage.setItem(LANG_KEY, lang)
  // A host that cannot write the user's settings still switches: the choice lasts this run.
  await remember?.(lang).catch(() => undefined)
}
