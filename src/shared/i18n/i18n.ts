// One i18next instance per user of words (a window, a CLI run), made synchronously from the
// bundled catalogs: nothing is fetched, so it works offline and from the first paint.

import { createInstance, type i18n, type TFunction } from 'i18next'
import { pseudoCatalog } from './pseudo'
import { en, LANGS, LANGUAGES, NAMESPACES, type Lang } from './resources'

export { LANGS, NAMESPACES, type Lang }
export type { TFunction }

/** A language socklab speaks, or the pseudo locale the tests use to find text that is not in a catalog. */
export type UiLang = Lang | 'pseudo'

export const isLang = (x: unknown): x is Lang => typeof x === 'string' && (LANGS as string[]).includes(x)
export const isUiLang = (x: unknown): x is UiLang => x === 'pseudo' || isLang(x)

/**
 * The language of a locale tag, as a browser (`it-IT`) or a POSIX environment (`it_IT.UTF-8`,
 * `it_IT@euro`) writes it; undefined when socklab does not speak it (`C`, `POSIX`, `de_DE`).
 */
export function langOfLocale(tag: string | undefined): Lang | undefined {
  const base = tag?.trim().split(/[-_.@]/)[0]?.toLowerCase()
  return isLang(base) ? base : undefined
}

/**
 * The language the environment asks for, as gettext reads it: LC_ALL, then LC_MESSAGES, then
 * LANG (LANGUAGE, a list, first). The first variable that is set decides, even if socklab does
 * not speak it (then English), as it does for every other program on the machine.
 */
export function langOfEnv(env: Record<string, string | undefined>): Lang {
  if (env.LC_ALL) return langOfLocale(env.LC_ALL) ?? 'en'
  if (env.LANGUAGE && env.LC_MESSAGES !== 'C' && env.LANG !== 'C') {
    for (const tag of env.LANGUAGE.split(':')) {
      const lang = langOfLocale(tag)
      if (lang) return lang
    }
  }
  if (env.LC_MESSAGES) return langOfLocale(env.LC_MESSAGES) ?? 'en'
  return langOfLocale(env.LANG) ?? 'en'
}

/** The first language of a browser's list that socklab speaks, else English. */
export function langOfBrowser(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const lang = langOfLocale(tag)
    if (lang) return lang
  }
  return 'en'
}

let pseudo: typeof en | undefined

/** Numbers in prose, grouped as the language writes them (Italian groups 1.234 too, not only 12.345). */
const numberFormats = new Map<string, Intl.NumberFormat>()
export function formatNumber(n: number, lang: string): string {
  const locale = lang === 'pseudo' ? 'en' : lang
  let f = numberFormats.get(locale)
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale, { useGrouping: 'always', maximumFractionDigits: 3 } as Intl.NumberFormatOptions)))
  return f.format(n)
}

/**
 * An i18next instance speaking `lang`, ready at once. Catalogs write `{{count, n}}` for a number
 * in prose (formatNumber) and plurals as i18next does (`_one`, `_many`, `_other`: Italian has three).
 */
export function createI18n(lang: UiLang): i18n {
  const instance = createInstance()
  pseudo ??= pseudoCatalog(en)
  void instance.init({
    lng: lang,
    fallbackLng: 'en',
    // The pseudo locale plurals as English does.
    supportedLngs: [...LANGS, 'pseudo'],
    ns: NAMESPACES,
    defaultNS: 'common',
    resources: { ...LANGUAGES, pseudo },
    initAsync: false,
    returnNull: false,
    // Words go into React (which escapes) or a terminal: nothing to escape here.
    interpolation: { escapeValue: false },
    showSupportNotice: false
  } as Parameters<i18n['init']>[0])
  instance.services.formatter?.add('n', (value, lng) => (typeof value === 'number' ? formatNumber(value, lng ?? 'en') : String(value)))
  return instance
}
