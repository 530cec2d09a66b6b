// The sample site has a folder for every language socklab speaks, with the same files in each, so
// that the course's exercises (GET /index.html, a file in a subfolder, a folder listed, a 404) work
// the same in every language; its pages say which language they are in, in UTF-8, and every byte is ASCII (the course's client
// decodes the reply as ASCII).

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LANGS } from '../../src/shared/i18n/i18n'
import { sampleSiteIn } from '../../src/shared/i18n/sample-site'
import { ROOT } from '../helpers/processes'

const SITE = path.join(ROOT, 'resources', 'sample-site')

function files(dir: string, under = ''): string[] {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(dir, path.join(under, d.name)) : [path.join(under, d.name)])).sort()
}

describe('the sample site, in every language', () => {
  it('has one folder per language, and nothing else at its top', () => {
    expect(fs.readdirSync(SITE).sort()).toEqual([...LANGS].sort())
  })

  it.each(LANGS)('%s: the same files as English, its pages in lang="%s" and UTF-8', (lang) => {
    const dir = path.join(SITE, lang)
    expect(files(dir)).toEqual(files(path.join(SITE, 'en')))
    for (const page of files(dir).filter((f) => f.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(dir, page), 'utf8')
      expect(html, page).toContain(`<html lang="${lang}">`)
      expect(html, page).toContain('<meta charset="utf-8">')
    }
    // Every byte ASCII (accents as &egrave; and such): the course's HTTP client prints the reply with
    // reply.decode('ascii'), and would stop with UnicodeDecodeError at the first other byte.
    for (const file of files(dir)) {
      const bytes = fs.readFileSync(path.join(dir, file))
      expect(bytes.findIndex((b) => b > 0x7f), `${lang}/${file}: first byte that is not ASCII`).toBe(-1)
    }
    // The course's client reads about.html with one recv(1500): it must not fit.
    expect(fs.statSync(path.join(dir, 'about.html')).size).toBeGreaterThan(1500)
  })

  it('the window serves the folder of its language, English for the pseudo locale; POSIX and Windows paths', () => {
    expect(sampleSiteIn('/app/resources/sample-site', 'it')).toBe('/app/resources/sample-site/it')
    expect(sampleSiteIn('/app/resources/sample-site/', 'en')).toBe('/app/resources/sample-site/en')
    expect(sampleSiteIn('/app/resources/sample-site', 'pseudo')).toBe('/app/resources/sample-site/en')
    expect(sampleSiteIn('/app/resources/sample-site', undefined)).toBe('/app/resources/sample-site/en')
    expect(sampleSiteIn('C:\\Program Files\\socklab\\resources\\sample-site', 'it')).toBe('C:\\Program Files\\socklab\\resources\\sample-site\\it')
  })
})
