// Words at the edge (issue 16), side by side in one run:
// (a) the log's Info of 200,000 events rendered by eventWords(event, t) with an i18next t (English
//     and Italian), against the old English template strings (bench/baseline/event-words-en.ts, a
//     frozen copy of the code before), in turns in this process: rows per second, new ÷ old;
// (b) the window's start-up through the browser host in Chromium: navigation to the window ready
//     (the header drawn, after hostInfo and the first render), in English and in Italian; what the
//     catalogs cost of it (making the i18next instance, timed here on the same bundle); and, with
//     --baseline, the baseline build's window in the same turns.

import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from '@playwright/test'
import { build } from 'rolldown'
import { baselineTarget, fmt, middle, newOverOld, ROOT, startWebHost, table, targetTable, tempDir, THIS_BUILD, xRatio } from './lib.mjs'

const ROWS = 200_000
const TURNS = 7
const STARTS = 9

/** bench/i18n-words.ts and what it imports (the real event-words, i18n and catalogs), as one ES module. */
async function wordsModule() {
  const dir = tempDir('socklab-bench-i18n-')
  const file = path.join(dir, 'i18n-words.mjs')
  await build({ input: path.join(ROOT, 'bench', 'i18n-words.ts'), platform: 'node', logLevel: 'silent', output: { file, format: 'esm' } })
  return import(pathToFileURL(file).href)
}

/** Milliseconds from navigation to the header on screen, measured in the page (no polling). */
async function readyMs(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.addInitScript(() => {
    new window.MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=host-info]')) {
        window.__readyMs = performance.now()
        observer.disconnect()
      }
    }).observe(document, { childList: true, subtree: true })
  })
  await page.goto(url)
  await page.waitForFunction(() => window.__readyMs !== undefined, null, { timeout: 30_000 })
  const out = await page.evaluate(() => ({ ready: window.__readyMs, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime }))
  await page.close()
  return out
}

export async function benchI18n(results, { baseline, rounds } = {}) {
  const turns = rounds ?? TURNS
  console.log(`\n== i18n: the log's Info, ${fmt(ROWS)} rows, old English templates vs eventWords(event, t); the window's start-up ==`)
  const words = await wordsModule()
  if (!words.takesT) console.log('(eventWords does not take a t yet on this build: "new" still stamps English itself, so new ≈ old here)')
  const events = words.sampleEvents(ROWS)
  words.wordsTurn(events.slice(0, 20_000), 0) // warm-up: every path compiled before the first timed turn
  const runs = []
  for (let i = 0; i < turns; i++) runs.push(words.wordsTurn(events, i))
  const perSecond = (ms) => (ROWS / ms) * 1000
  // Rows per second new ÷ old is old's time ÷ new's, taken slice by slice (the middle of those
  // ratios): a slice that a GC pause or another process hit does not decide.
  const sliced = (k) => runs.flatMap((r) => r.slices[k])
  const mid = (k) => middle(runs.map((r) => r[k]))
  table(
    ['rendering', 'ms (middle)', 'rows/s', 'µs/row', 'chars'],
    ['old', 'again', 'en', 'it', 'kept'].map((k) => [{ old: 'old English templates', again: 'the same again (A/A control)', kept: 'worded once, read again (it): the filter\'s every pass' }[k] ?? `eventWords(e, t), ${k}, first wording`, fmt(mid(k), 1), fmt(perSecond(mid(k))), fmt((mid(k) * 1000) / ROWS, 3), fmt(runs[0].chars[k])])
  )

  // (b) start-up.
  const builds = [{ name: 'this build', build: THIS_BUILD }, ...(baseline ? [{ name: 'baseline', build: baseline }] : [])]
  const hosts = []
  for (const b of builds) hosts.push({ ...b, host: await startWebHost(b.build) })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
  })
  const starts = { en: [], it: [], baseline: [], fcpEn: [] }
  try {
    const url = (h, lang) => `${h.host.url}&lang=${lang}`
    await readyMs(browser, url(hosts[0], 'en')) // warm-up: the browser's own first start
    for (let i = 0; i < Math.max(STARTS, turns); i++) {
      const en = await readyMs(browser, url(hosts[0], 'en'))
      starts.en.push(en.ready)
      starts.fcpEn.push(en.fcp)
      starts.it.push((await readyMs(browser, url(hosts[0], 'it'))).ready)
      if (hosts[1]) starts.baseline.push((await readyMs(browser, url(hosts[1], 'en'))).ready)
    }
  } finally {
    await browser.close()
    for (const h of hosts) await h.host.stop()
  }
  const catalogs = { en: words.i18nStartMs('en'), it: words.i18nStartMs('it') }
  const ready = { en: middle(starts.en), it: middle(starts.it), baseline: middle(starts.baseline) }
  table(
    ['window start-up', 'ms (middle)'],
    [
      ['ready, English (?lang=en)', fmt(ready.en, 1)],
      ['ready, Italian (?lang=it)', fmt(ready.it, 1)],
      ['first contentful paint, English', fmt(middle(starts.fcpEn), 1)],
      ['making the i18next instance (all catalogs), en / it', `${fmt(catalogs.en, 2)} / ${fmt(catalogs.it, 2)}`],
      ...(hosts[1] ? [['ready, baseline build', fmt(ready.baseline, 1)]] : [])
    ]
  )

  const targets = [
    // Two equal renderings: the ratio this machine gives when nothing changed (the noise floor now).
    { name: 'A/A control: the old templates against themselves', ours: fmt(perSecond(mid('again'))), peer: fmt(perSecond(mid('old'))), ratio: xRatio(newOverOld(sliced('old'), sliced('again'))) },
    // What the log does at each pass of its text filter, and what a reload of the view costs: every
    // event's words, worded once per language by i18next and kept beside the event.
    baselineTarget(`Info of ${fmt(ROWS)} rows, rows/s, words at the edge (it), as the window reads them`, {
      ours: perSecond(mid('kept')),
      old: perSecond(mid('old')),
      ratio: newOverOld(sliced('old'), sliced('kept')),
      how: 'slice by slice, vs the old templates'
    }),
    // The first wording of each event, through i18next's t (microseconds each): the rows on screen
    // (a few dozen a frame), or once per event and language for the filter.
    { name: `first wording of ${fmt(ROWS)} rows through i18next, en (vs the old templates)`, ours: fmt(perSecond(mid('en'))), peer: fmt(perSecond(mid('old'))), ratio: xRatio(newOverOld(sliced('old'), sliced('en'))) },
    { name: `first wording of ${fmt(ROWS)} rows through i18next, it (vs the old templates)`, ours: fmt(perSecond(mid('it'))), peer: fmt(perSecond(mid('old'))), ratio: xRatio(newOverOld(sliced('old'), sliced('it'))) },
    // Without the catalogs the window would be ready that much sooner (the same bundle, in V8).
    baselineTarget('window ready, Italian, with the catalogs vs without', {
      ours: ready.it,
      old: ready.it - catalogs.it,
      lowerIsBetter: true,
      show: (n) => `${fmt(n, 1)} ms`,
      how: 'minus the i18next instance'
    }),
    { name: 'window ready, Italian vs English', ours: `${fmt(ready.it, 1)} ms`, peer: `${fmt(ready.en, 1)} ms`, ratio: xRatio(newOverOld(starts.it, starts.en)) },
    ...(hosts[1]
      ? [baselineTarget('window ready, English', { ours: ready.en, old: ready.baseline, lowerIsBetter: true, ratio: newOverOld(starts.en, starts.baseline), show: (n) => `${fmt(n, 1)} ms`, how: 'turn by turn' })]
      : [])
  ]
  targetTable('i18n targets (peer: the old templates, the window without catalogs, or the baseline build)', targets)
  results.i18n = { rows: ROWS, eventWordsTakesT: words.takesT, words: runs.map((r) => ({ old: r.old, again: r.again, en: r.en, it: r.it, kept: r.kept })), starts, catalogs, targets }
}
