// The sample site that ships with socklab has one folder per language (resources/sample-site/en,
// resources/sample-site/it), with the same files in each: the HTTP lab serves the one of the
// window's language, so that a student fetching `/` reads it in that language.

import { isLang } from './i18n'

/**
 * The folder of `lang` inside the sample site `base` (as the host gave it: a POSIX or a Windows
 * path); English for a language the site lacks (the pseudo locale, none).
 */
export function sampleSiteIn(base: string, lang: string | undefined): string {
  const folder = isLang(lang) ? lang : 'en'
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/'
  return `${base.replace(/[/\\]+$/, '')}${sep}${folder}`
}
