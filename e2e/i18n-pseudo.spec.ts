// The pseudo locale test (issue 16's "Done means"): with ?lang=pseudo every catalog string reads
// ⟦Ŵíţĥ áççéñţš⟧, so any word a person reads or hears that is not wrapped in ⟦…⟧ was written in
// code instead of a catalog. Every lab (TCP, UDP, HTTP) and every view (Packet log, Wire, Ladder,
// Sockets, a selected row's details, an error, a capture that is impossible, empty states) is
// walked; every visible text node and every accessible name (aria-label, title, placeholder, alt,
// aria-description…) is checked. Data is exempt where the window marks it so: inside an element
// with translate="no" (addresses, payloads, hex, seq/ack, the course programs' lines, protocol
// tokens). Text that is only digits, punctuation and symbols needs no words.
// The failure lists each text with where it is (the nearest data-testid), to say what to fix.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { captureSkipReason } from '../test/helpers/capture'
import { clientConsole, consoleText, expect, freePort, logRows, ROOT, sendFromClient, startServer, test } from './fixtures'

interface Leak {
  /** What the test was looking at. */
  state: string
  /** The nearest data-testid, then the element's own tag and class. */
  where: string
  /** `text`, or the attribute that holds the name. */
  kind: string
  text: string
}

/**
 * Every visible text and accessible name outside ⟦…⟧ and outside translate="no", in the page now;
 * and how many visible texts and names were pseudo-localised (a page that shows none is not being tested).
 */
function leaksInPage(): { leaks: Omit<Leak, 'state'>[]; pseudo: number } {
  const OPEN = '⟦'
  const CLOSE = '⟧'
  const NAMES = ['aria-label', 'aria-description', 'aria-roledescription', 'aria-placeholder', 'aria-valuetext', 'title', 'placeholder', 'alt']
  const out: Omit<Leak, 'state'>[] = []
  const words = (s: string): boolean => /\p{L}/u.test(s)
  const isData = (el: Element | null): boolean => el?.closest('[translate="no"]') !== null && el?.closest('[translate="no"]') !== undefined
  // The consoles are terminals (xterm.js) whose rows are mostly the course programs' own lines.
  const skipped = (el: Element | null): boolean => !el || el.closest('script, style, noscript, template, .xterm') !== null
  const where = (el: Element): string => {
    const id = el.closest('[data-testid]')?.getAttribute('data-testid') ?? '(no data-testid)'
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : ''
    return `${id} > ${el.tagName.toLowerCase()}${cls}`
  }
  const visible = (el: Element): boolean => {
    if (el instanceof HTMLOptionElement) return el.closest('select') !== null && (el.closest('select') as HTMLElement).checkVisibility({ visibilityProperty: true })
    const svgName = el.closest('svg title, svg desc')
    if (svgName) return true // an SVG's accessible name: heard, not seen
    return el.checkVisibility({ visibilityProperty: true, opacityProperty: false })
  }
  // The text outside the marks: one pass over the document's text in order, since a string with
  // markup (<Trans>) is split into several text nodes, only the first and last holding a mark.
  let depth = 0
  let pseudo = 0
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement
    if (skipped(el) || isData(el)) continue
    let outside = ''
    for (const c of node.nodeValue ?? '') {
      if (c === OPEN) depth++
      else if (c === CLOSE) depth = Math.max(0, depth - 1)
      else if (depth === 0) outside += c
    }
    if ((node.nodeValue ?? '').includes(OPEN) && visible(el!)) pseudo++
    if (words(outside) && visible(el!)) out.push({ where: where(el!), kind: 'text', text: (node.nodeValue ?? '').trim().slice(0, 160) })
  }
  // Each accessible name on its own: a name is one catalog string (or data).
  // Marks nest as deep as catalog strings do (a sentence whose parameter is a sentence): take out
  // the innermost pairs until none is left.
  const outsideMarks = (s: string): string => {
    for (let prev = ''; prev !== s; ) [prev, s] = [s, s.replace(/⟦[^⟦⟧]*⟧/g, '')]
    return s
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (skipped(el) || isData(el) || !visible(el)) continue
    for (const name of NAMES) {
      const value = el.getAttribute(name)
      if (value?.includes(OPEN)) pseudo++
      if (value && words(outsideMarks(value))) out.push({ where: where(el), kind: name, text: value.slice(0, 160) })
    }
    if (el instanceof HTMLInputElement && ['button', 'submit', 'reset'].includes(el.type) && words(outsideMarks(el.value))) out.push({ where: where(el), kind: 'value', text: el.value })
  }
  return { leaks: out, pseudo }
}

class Leaks {
  readonly all: Leak[] = []
  /** States in which no text of the window was pseudo-localised. */
  readonly unworded: string[] = []
  private readonly seen = new Set<string>()
  constructor(private readonly page: Page) {}

  /** Collects what the window shows now that is not from a catalog; `state` says where we are. */
  async check(state: string): Promise<void> {
    // Let a view that was just opened render (and the i18n re-render settle).
    await this.page.waitForTimeout(250)
    // The window must be in the pseudo locale and most of it outside translate="no": a test that
    // saw no pseudo text (a lost ?lang=pseudo, translate="no" on a whole panel) proves nothing.
    const exempt = await this.page.locator('[translate="no"]').evaluateAll((els) => els.filter((el) => el.querySelector('[data-testid=server-panel], [data-testid=client-panel], [data-testid=host-info], [role=tablist]') || el.closest('body') === el).length)
    expect(exempt, `${state}: translate="no" holds whole panels`).toBe(0)
    const { leaks, pseudo } = await this.page.evaluate(leaksInPage)
    if (pseudo === 0) this.unworded.push(state)
    for (const leak of leaks) {
      const key = `${leak.where}|${leak.kind}|${leak.text}`
      if (this.seen.has(key)) continue
      this.seen.add(key)
      this.all.push({ state, ...leak })
    }
  }

  /** Fails with every leak, grouped by where it is; the list is also saved for whoever fixes them. */
  report(name: string): void {
    const file = path.join(ROOT, 'test-results', `pseudo-leaks-${name}.json`)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify(this.all, null, 2))
    console.log(`pseudo locale (${name}): ${this.all.length} texts not from a catalog (listed in ${path.relative(ROOT, file)})`)
    const lines = this.all.map((l) => `  [${l.state}] ${l.where} (${l.kind}): ${JSON.stringify(l.text)}`)
    expect(this.all.length, `${this.all.length} texts are not from a catalog (not in ⟦…⟧, not marked translate="no"):\n${lines.join('\n')}`).toBe(0)
    expect(this.unworded, 'states where no visible text was pseudo-localised').toEqual([])
  }
}

const VIEWS = ['log', 'wire', 'ladder', 'sockets', 'stream'] as const
const LABS = ['tcp', 'udp', 'http'] as const

async function openPseudo(page: Page, url: string): Promise<void> {
  await page.goto(`${url}&lang=pseudo`)
  await expect(page.getByTestId('host-info')).toBeVisible()
  // The header's language switch is worded from the catalog today: the pseudo locale is on.
  await expect(page.getByRole('group', { name: /^⟦.*⟧$/ }).first()).toBeVisible()
}

async function everyView(page: Page, leaks: Leaks, state: string): Promise<void> {
  for (const view of VIEWS) {
    await page.getByTestId(`view-${view}`).click()
    await leaks.check(`${state}, ${view}`)
  }
  await page.getByTestId('view-log').click()
}

/** One exchange of the lab's client with its server, waited for by what does not change with the language. */
async function exchangeIn(page: Page, lab: (typeof LABS)[number], port: number): Promise<void> {
  if (lab === 'http') {
    await page.getByTestId('client-input').fill(`http://127.0.0.1:${port}/`)
    await page.getByTestId('client-send').click()
    await expect.poll(async () => (await logRows(page)).some((r) => r[4] === 'HTTP' && r[6].includes('200')), { timeout: 15_000 }).toBe(true)
    return
  }
  await sendFromClient(page, 'hello pseudo')
  await expect.poll(() => consoleText(clientConsole(page)), { timeout: 15_000 }).toContain('HELLO PSEUDO')
}

test.describe('where capture is impossible', () => {
  const empty = path.join(os.tmpdir(), 'socklab-no-wireshark-here') // never made: a folder with no tools
  test.use({ hostEnv: { SOCKLAB_WIRESHARK: empty } })

  test('every word of every lab and view, its errors and its empty states, comes from a catalog', async ({ page, host }) => {
    test.setTimeout(180_000)
    const leaks = new Leaks(page)
    await openPseudo(page, host.url)
    for (const lab of LABS) {
      await page.getByTestId(`lab-${lab}`).click()
      await everyView(page, leaks, `${lab}: empty`)

      // Errors: a sentence refused by the window (TCP), and a connection refused by the OS.
      if (lab === 'tcp') {
        await page.getByTestId('client-input').fill('')
        await page.getByTestId('client-send').click()
        await leaks.check(`${lab}: empty send refused`)
      }
      const nobody = await freePort()
      if (lab === 'http') {
        await page.getByTestId('client-input').fill(`http://127.0.0.1:${nobody}/`)
        await page.getByTestId('client-send').click()
      } else {
        await page.getByTestId('client-port').fill(String(nobody))
        if (lab === 'udp') await page.getByTestId('client-timeout').fill('0.5')
        await sendFromClient(page, 'nobody there')
      }
      await expect.poll(async () => (await logRows(page)).length, { timeout: 10_000 }).toBeGreaterThan(0)
      await page.waitForTimeout(1000)
      await leaks.check(`${lab}: connection refused`)
      await page.getByTestId('log-row').last().click()
      await leaks.check(`${lab}: the error's row selected`)

      // A server, an exchange, a selected row and its details; then every view again.
      const port = await freePort()
      await startServer(page, port)
      if (lab !== 'http') await page.getByTestId('client-port').fill(String(port))
      await exchangeIn(page, lab, port)
      await page.getByTestId('log-row').first().click()
      await leaks.check(`${lab}: first row selected`)
      await page.getByTestId('log-row').filter({ hasText: /SEND|RECV/ }).first().click()
      await leaks.check(`${lab}: a data row selected`)
      await everyView(page, leaks, `${lab}: after an exchange`)
      await page.getByTestId('server-stop').click()
      await leaks.check(`${lab}: server stopped`)
    }
    leaks.report('no-capture')
  })
})

test('with capture: the Wire view, the Ladder and the Sockets view of a TCP exchange come from a catalog', async ({ page, host }) => {
  test.setTimeout(120_000)
  const skip = await captureSkipReason()
  test.skip(skip !== null, skip ?? '')
  const leaks = new Leaks(page)
  await openPseudo(page, host.url)
  await page.getByTestId('view-wire').click()
  await leaks.check('tcp: wire, nothing captured yet')
  const port = await freePort()
  await startServer(page, port)
  await page.getByTestId('client-port').fill(String(port))
  await expect.poll(async () => page.getByTestId('capture-status').textContent(), { timeout: 20_000 }).toContain(String(port))
  await sendFromClient(page, 'hello pseudo')
  await expect.poll(() => consoleText(clientConsole(page)), { timeout: 15_000 }).toContain('Received reply <HELLO PSEUDO>')
  await expect.poll(() => page.getByTestId('wire-row').count(), { timeout: 15_000 }).toBeGreaterThan(6)
  await page.waitForTimeout(1000)
  await leaks.check('tcp: wire, after an exchange')
  await page.getByTestId('wire-row').first().click()
  await leaks.check('tcp: wire, a packet selected')
  await page.getByTestId('view-ladder').click()
  await leaks.check('tcp: ladder')
  await page.getByTestId('view-sockets').click()
  await leaks.check('tcp: sockets')
  await page.getByTestId('view-log').click()
  await page.getByTestId('log-row').filter({ hasText: 'SEND' }).first().click()
  await page.getByTestId('view-ladder').click()
  await leaks.check('tcp: ladder, an exchange picked in the log')
  leaks.report('capture')
})

test.describe('the Ping lab', () => {
  const empty = path.join(os.tmpdir(), 'socklab-no-wireshark-here')
  test.use({ hostEnv: { SOCKLAB_WIRESHARK: empty } })

  test('every word of its panels, its RTT plot and its rows comes from a catalog', async ({ page, host }) => {
    test.setTimeout(90_000)
    const leaks = new Leaks(page)
    await openPseudo(page, host.url)
    await page.getByTestId('lab-ping').click()
    await leaks.check('ping: empty')
    const port = await freePort()
    await page.getByTestId('ping-loss-field').fill('50')
    await page.getByTestId('ping-seed').fill('3')
    await startServer(page, port)
    await page.getByTestId('client-timeout').fill('0.3')
    await page.getByTestId('client-send').click()
    await expect(page.getByTestId('ping-loss')).toHaveAttribute('data-sent', '10', { timeout: 15_000 })
    await leaks.check('ping: after 10 pings, some lost')
    await page.getByTestId('log-row').filter({ hasText: 'PING' }).last().click()
    await leaks.check('ping: a ping row selected')
    await page.getByTestId('server-stop').click()
    await leaks.check('ping: server stopped')
    leaks.report('ping')
  })
})
