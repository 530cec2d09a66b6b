// The catalogs agree: Italian has every key English has (and no other), every plural has every
// category its language uses (Italian: one, many, other on Node 20), and a translation names the
// same parameters as its English.

import { describe, expect, it } from 'vitest'
import { LANGUAGES, NAMESPACES, type Lang } from '../../src/shared/i18n/resources'
import { createI18n, formatNumber } from '../../src/shared/i18n/i18n'

const PLURAL = /_(zero|one|two|few|many|other)$/

/** Every leaf of a catalog, as dotted keys. */
function leaves(v: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, x] of Object.entries(v as object)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof x === 'string') out.set(key, x)
    else for (const [kk, xx] of leaves(x, key)) out.set(kk, xx)
  }
  return out
}

const params = (s: string): string[] => [...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]).sort()

describe('the catalogs', () => {
  for (const ns of NAMESPACES) {
    it(`${ns}: Italian has the keys English has, each plural every category, and the same parameters`, () => {
      const byLang = Object.fromEntries((Object.keys(LANGUAGES) as Lang[]).map((l) => [l, leaves(LANGUAGES[l][ns])])) as Record<Lang, Map<string, string>>
      const stems = (m: Map<string, string>): Set<string> => new Set([...m.keys()].map((k) => k.replace(PLURAL, '')))
      const enStems = stems(byLang.en)
      for (const lang of Object.keys(byLang) as Lang[]) {
        expect([...stems(byLang[lang])].sort(), `${lang}/${ns}.json has the keys of en/${ns}.json`).toEqual([...enStems].sort())
        const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories
        const plurals = new Set([...byLang[lang].keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')))
        for (const stem of plurals) {
          for (const c of categories) expect(byLang[lang].has(`${stem}_${c}`), `${lang}/${ns}.json: ${stem}_${c}`).toBe(true)
        }
        for (const [key, text] of byLang[lang]) {
          const enText = byLang.en.get(key) ?? byLang.en.get(key.replace(PLURAL, '_other'))
          if (enText === undefined) continue
          // A plural's "one" may say "1" (or "un") where English says {{count}}: count may be left out.
          const mine = params(text).filter((p) => p !== 'count')
          const theirs = params(enText).filter((p) => p !== 'count')
          expect(new Set(mine), `${lang}/${ns}.json ${key} names the parameters of English`).toEqual(new Set(theirs))
        }
      }
    })
  }

  it('Italian plurals have three categories on this Node, and 1,000,000 is "many"', () => {
    expect(new Intl.PluralRules('it').resolvedOptions().pluralCategories.sort()).toEqual(['many', 'one', 'other'])
    expect(new Intl.PluralRules('it').select(1_000_000)).toBe('many')
  })

  it('numbers in prose follow the language', () => {
    expect(formatNumber(1234, 'it')).toBe('1.234')
    expect(formatNumber(1234, 'en')).toBe('1,234')
    expect(createI18n('it').t('common:language.label')).toBe('Lingua')
  })
})
