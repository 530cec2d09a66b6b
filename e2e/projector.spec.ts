// What a course needs on a projector and across a reload: the wire view and the packet log read
// whole at 150–200% (IPv4 told from IPv6, who closed), the IPv4/IPv6 switch says what the client
// tabs use after a reload, and "+ New client" stays reachable however many tabs the lab has.

import type { Page } from '@playwright/test'
import { MAX_ENDPOINTS_PER_LAB } from '../src/shared/limits'
import { clientConsole, consoleText, exchange, expect, freePort, logViewport, shot, startServer, test } from './fixtures'

/** The window's languages: the projector's checks run in English and in Italian (longer words). */
const LANGS = ['en', 'it'] as const
/** A test's title in a language: English as it always was, Italian marked. */
const inLang = (lang: (typeof LANGS)[number]): string => (lang === 'en' ? '' : ` (${lang})`)

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

test('after a reload the IPv4/IPv6 switch and the client tab agree: an IPv6 client that is done does not bring ::1 back against an IPv4 server', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await lab.getByTestId('family-IPv6').click()
  await expect(lab.getByTestId('client-address')).toHaveValue('::1')
  await startServer(lab, port)
  await exchange(lab, 'over six')
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-start')).toBeVisible()
  await lab.getByTestId('family-IPv4').click()
  await startServer(lab, port)
  await expect(lab.getByTestId('client-address')).toHaveValue('127.0.0.1')

  await lab.reload()
  await expect(lab.getByTestId('server-status')).toContainText(`:${port}`)
  await expect(lab.getByTestId('family-IPv4')).toHaveAttribute('aria-pressed', 'true')
  await expect(lab.getByTestId('client-address')).toHaveValue('127.0.0.1')
  await exchange(lab, 'over four')
  expect(await consoleText(clientConsole(lab))).not.toContain('refused')
})

test('after a reload an idle client follows the server to its new port: Send reaches it, and a new tab gets that port too', async ({ lab }) => {
  test.setTimeout(90_000)
  const first = await freePort()
  await startServer(lab, first)
  await exchange(lab, 'to the first port')
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-start')).toBeVisible()
  let second = await freePort()
  while (second === first) second = await freePort()
  await startServer(lab, second)
  await expect(lab.getByTestId('client-port')).toHaveValue(String(second))

  await lab.reload()
  await expect(lab.getByTestId('server-status')).toContainText(`:${second}`)
  // The port as it was on screen (following the server), not the one the idle client was started with.
  await expect(lab.getByTestId('client-status')).toContainText('done')
  await expect(lab.getByTestId('client-port')).toHaveValue(String(second))
  await shot(lab, 'reload-idle-client-port')
  await lab.getByTestId('client-new').click()
  await expect(lab.getByTestId('client-port')).toHaveValue(String(second))
  await lab.getByTestId('client-tab-1').click()
  await exchange(lab, 'to the second port')
  expect(await consoleText(clientConsole(lab))).not.toContain('refused')
  // A port typed stays typed across a reload, whatever the server does.
  await lab.getByTestId('client-port').fill(String(first))
  await lab.reload()
  await expect(lab.getByTestId('server-status')).toContainText(`:${second}`)
  await expect(lab.getByTestId('client-port')).toHaveValue(String(first))
})

/** Whether "+ New client" is on screen, inside the client panel, and the topmost element where it is drawn. */
async function plusReachable(page: Page): Promise<{ inPanel: boolean; onTop: boolean; onScreen: boolean }> {
  return page.getByTestId('client-new').evaluate((plus) => {
    const r = plus.getBoundingClientRect()
    const panel = plus.closest('[data-testid=client-panel]')!.getBoundingClientRect()
    const x = r.left + r.width / 2
    const y = r.top + r.height / 2
    const hit = document.elementFromPoint(x, y)
    return {
      inPanel: r.left >= panel.left - 1 && r.right <= panel.right + 1 && r.top >= panel.top - 1 && r.bottom <= panel.bottom + 1,
      onTop: hit !== null && plus.contains(hit),
      onScreen: r.right <= innerWidth && r.bottom <= innerHeight && r.left >= 0 && r.top >= 0
    }
  })
}

for (const lang of LANGS) {
  test.describe(() => {
    test.use({ lang })
    test(`"+ New client" stays reachable up to the lab’s endpoint limit, at 1440 px, at 200% on 1920×1080 and at 150% on 1280×720; the tab on screen is in view${inLang(lang)}`, async ({ lab }) => {
      test.setTimeout(120_000)
      const sizes = [
        [1440, 900, '100%'],
        [1920, 1080, '200%'],
        [1280, 720, '150%']
      ] as const
      for (const [width, height, zoom] of sizes) {
        await lab.setViewportSize({ width, height })
        await zoomTo(lab, zoom)
        // Each size adds its share of tabs; the last reaches the lab's limit (a server and 63 clients).
        const target = zoom === '150%' ? MAX_ENDPOINTS_PER_LAB - 1 : zoom === '200%' ? 30 : 12
        for (let n = await lab.getByRole('tab', { name: /^Client \d+/ }).count(); n < target; n++) {
          expect(await plusReachable(lab), `+ after ${n} tabs at ${zoom} on ${width}×${height}`).toEqual({ inPanel: true, onTop: true, onScreen: true })
          await lab.getByTestId('client-new').click({ trial: false })
          await expect(lab.getByTestId(`client-tab-${n + 1}`)).toBeVisible()
        }
        expect(await plusReachable(lab)).toEqual({ inPanel: true, onTop: true, onScreen: true })
        // The new tab is the one shown, and it is in view in the strip.
        const newest = lab.getByTestId(`client-tab-${target}`)
        await expect(newest).toHaveAttribute('aria-selected', 'true')
        await expect(newest).toBeInViewport({ ratio: 1 })
        // The window does not scroll: the strip keeps to the panel's head.
        expect(await lab.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight && document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true)
        await shot(lab, `client-tabs-${width}x${height}-${zoom.replace('%', '')}${lang === 'en' ? '' : `-${lang}`}`)
      }
      // An early tab is still reachable: back to Client 1 and it is in view.
      await lab.getByTestId('client-tab-1').scrollIntoViewIfNeeded()
      await lab.getByTestId('client-tab-1').click()
      await expect(lab.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
    })
  })
}

/**
 * Every cell of the wire view's header and of its rows, as drawn now, scrolled through from the top:
 * the cells whose text is cut (wider than the cell, or lines beyond the row), the headers shown, and
 * the addresses as rendered.
 */
async function wireCells(page: Page): Promise<{ headers: string[]; cut: string[]; addresses: string[]; beyondRight: number }> {
  const body = page.getByTestId('wire-body')
  const seen = { headers: [] as string[], cut: new Set<string>(), addresses: new Set<string>(), beyondRight: 0 }
  await body.evaluate((el) => (el.scrollTop = 0))
  for (let step = 0; step < 40; step++) {
    const now = await body.evaluate((el) => {
      const head = el.querySelector('.wire-row.head')!
      const names = [...head.children].map((c) => c.textContent ?? '')
      const shown = (c: Element): boolean => getComputedStyle(c).display !== 'none'
      const cut: string[] = []
      const addresses: string[] = []
      let beyondRight = 0
      const right = el.getBoundingClientRect().left + el.clientWidth
      for (const row of [head, ...el.querySelectorAll('[data-testid=wire-row]')]) {
        const box = row.getBoundingClientRect()
        ;[...row.children].forEach((c, i) => {
          if (!shown(c)) return
          const r = c.getBoundingClientRect()
          const what = `${names[i]} "${c.textContent}"`
          if (c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) cut.push(what)
          beyondRight = Math.max(beyondRight, r.right - right)
          // Source and Destination, by place: their names are the language's.
          if ((i === 2 || i === 3) && row !== head) addresses.push(c.textContent ?? '')
        })
      }
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 1
      el.scrollTop += Math.max(1, el.clientHeight - head.getBoundingClientRect().height)
      return { headers: names.filter((_, i) => shown(head.children[i])), cut, addresses, beyondRight, atEnd }
    })
    seen.headers = now.headers
    now.cut.forEach((c) => seen.cut.add(c))
    now.addresses.forEach((a) => seen.addresses.add(a))
    seen.beyondRight = Math.max(seen.beyondRight, Math.round(now.beyondRight))
    if (now.atEnd) break
  }
  return { headers: seen.headers, cut: [...seen.cut], addresses: [...seen.addresses], beyondRight: seen.beyondRight }
}

/** The Wire view's columns, and the words these checks read, in each language the layout is checked in. */
const WIRE = {
  en: { columns: ['No.', 'Time (s)', 'Source', 'Destination', 'Protocol', 'Flags', 'Seq / Ack', 'Window', 'Length', 'What it is'], ports: 'Capturing ports?', lastAck: 'last ACK: both sides closed' },
  it: { columns: ['N.', 'Tempo (s)', 'Sorgente', 'Destinazione', 'Proto', 'Flag', 'Seq / Ack', 'Finestra', 'Lungh.', "Che cos'è"], ports: 'Cattura (?:la porta|le porte)', lastAck: 'ultimo ACK: entrambi chiusi' }
} as const

for (const lang of ['en', 'it'] as const) {
test(`the wire view at 100%, at 200% on 1920×1080 and at 150% on 1280×720: every column, its header and an IPv6 and an IPv4 exchange’s addresses whole (${lang})`, async ({ lab }) => {
  test.setTimeout(120_000)
  if (lang !== 'en') {
    const url = new URL(lab.url())
    url.searchParams.set('lang', lang)
    await lab.goto(url.href)
    await expect(lab.locator('html')).toHaveAttribute('lang', lang)
  }
  const suffix = lang === 'en' ? '' : `-${lang}`
  await lab.setViewportSize({ width: 1280, height: 800 })
  await lab.getByTestId('view-wire').click()
  await lab.getByTestId('family-IPv6').click()
  const six = await freePort()
  await startServer(lab, six)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`${WIRE[lang].ports} [\\d, ]*\\b${six}\\b`), { timeout: 20_000 })
  await exchange(lab, 'over six')
  // The newest rows are drawn (the view follows them): the exchange's last ACK among them.
  const closed = async (server: string): Promise<boolean> => (await lab.getByTestId('wire-row').allTextContents()).some((r) => r.includes(server) && r.includes(WIRE[lang].lastAck))
  await expect.poll(() => closed(`[::1]:${six}`), { timeout: 15_000 }).toBe(true)
  await lab.getByTestId('server-stop').click()
  await lab.getByTestId('family-IPv4').click()
  const four = await freePort()
  await startServer(lab, four)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`\\b${four}\\b`), { timeout: 20_000 })
  await exchange(lab, 'over four')
  await expect.poll(() => closed(`127.0.0.1:${four}`), { timeout: 15_000 }).toBe(true)

  for (const [width, height, zoom] of [
    [1280, 800, '100%'],
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    await lab.setViewportSize({ width, height })
    await zoomTo(lab, zoom)
    const at = `at ${zoom} on ${width}×${height}`
    const cells = await wireCells(lab)
    expect(cells.headers, `the columns ${at}`).toEqual(WIRE[lang].columns)
    expect(cells.cut, `cells cut ${at}`).toEqual([])
    expect(cells.beyondRight, `cells beyond the view's right edge ${at}`).toBeLessThanOrEqual(0)
    expect(cells.addresses.filter((a) => a === `[::1]:${six}`).length, `the IPv6 server's address ${at}`).toBe(1)
    expect(cells.addresses.filter((a) => a === `127.0.0.1:${four}`).length, `the IPv4 server's address ${at}`).toBe(1)
    expect(cells.addresses.some((a) => /^\[::1\]:\d+$/.test(a) && a !== `[::1]:${six}`), `an IPv6 client's address ${at}`).toBe(true)
    expect(cells.addresses.some((a) => /^127\.0\.0\.1:\d+$/.test(a) && a !== `127.0.0.1:${four}`), `an IPv4 client's address ${at}`).toBe(true)
    await lab.getByTestId('wire-body').evaluate((el) => (el.scrollTop = 0))
    await shot(lab, `wire-both-families-${width}x${height}-${zoom.replace('%', '')}${suffix}`)
  }
})
}

/**
 * The packet log scrolled through from the top: headers and address cells whose text is cut, the
 * addresses, and each CLOSE row's Info with whether the words up to who closed ("… server") fit
 * in its cell (measured by putting those words in the cell, then its text back).
 */
async function logCells(page: Page): Promise<{ cut: string[]; addresses: string[]; closes: { info: string; whoFits: boolean }[] }> {
  const body = page.getByTestId('log-body')
  const cut = new Set<string>()
  const addresses = new Set<string>()
  const closes = new Map<string, boolean>()
  await body.evaluate((el) => (el.scrollTop = 0))
  for (let step = 0; step < 60; step++) {
    const now = await body.evaluate((el) => {
      const head = el.querySelector('.log-row.head')!
      const out = { cut: [] as string[], addresses: [] as string[], closes: [] as [string, boolean][] }
      for (const c of head.children) if (c.scrollWidth > c.clientWidth + 1) out.cut.push(`header ${c.textContent}`)
      for (const row of el.querySelectorAll('[data-testid=log-row]')) {
        const cells = row.querySelectorAll('[role=gridcell]')
        for (const c of [cells[2], cells[3]]) {
          if (!c.textContent) continue
          out.addresses.push(c.textContent)
          if (c.scrollWidth > c.clientWidth + 1) out.cut.push(`address ${c.textContent}`)
        }
        const info = cells[6]
        const text = info.textContent ?? ''
        const who = /\b(server|client)\b/.exec(text)
        if (!text.startsWith('CLOSE') || !who) continue
        info.textContent = text.slice(0, who.index + who[0].length)
        const fits = info.scrollWidth <= info.clientWidth
        info.textContent = text
        out.closes.push([`${cells[0].textContent} ${text}`, fits])
      }
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 1
      el.scrollTop += Math.max(1, el.clientHeight - head.getBoundingClientRect().height)
      return { ...out, atEnd }
    })
    now.cut.forEach((c) => cut.add(c))
    now.addresses.forEach((a) => addresses.add(a))
    for (const [info, fits] of now.closes) closes.set(info, (closes.get(info) ?? true) && fits)
    if (now.atEnd) break
  }
  return { cut: [...cut], addresses: [...addresses], closes: [...closes].map(([info, whoFits]) => ({ info, whoFits })) }
}

for (const lang of LANGS) {
  test.describe(() => {
    test.use({ lang })
    test(`the packet log at 100%, at 200% on 1920×1080 and at 150% on 1280×720: headers and IPv6 and IPv4 addresses whole, and Info says who closed${inLang(lang)}`, async ({ lab }) => {
      test.setTimeout(120_000)
      await lab.setViewportSize({ width: 1280, height: 800 })
      await lab.getByTestId('family-IPv6').click()
      const six = await freePort()
      await startServer(lab, six)
      await exchange(lab, 'over six')
      await lab.getByTestId('server-stop').click()
      await lab.getByTestId('family-IPv4').click()
      const four = await freePort()
      await startServer(lab, four)
      await exchange(lab, 'over four')
      // Both closes of both exchanges: the client's after its reply, the server's after serving.
      await expect.poll(async () => (await logCells(lab)).closes.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4)

      for (const [width, height, zoom] of [
        [1280, 800, '100%'],
        [1920, 1080, '200%'],
        [1280, 720, '150%']
      ] as const) {
        await lab.setViewportSize({ width, height })
        await zoomTo(lab, zoom)
        const at = `at ${zoom} on ${width}×${height}`
        const cells = await logCells(lab)
        expect(cells.cut, `cut ${at}`).toEqual([])
        expect(cells.addresses.some((a) => a === `[::1]:${six}`), `the IPv6 server's address ${at}`).toBe(true)
        expect(cells.addresses.some((a) => a === `127.0.0.1:${four}`), `the IPv4 server's address ${at}`).toBe(true)
        expect(cells.addresses.some((a) => /^\[::1\]:\d+$/.test(a) && a !== `[::1]:${six}`), `an IPv6 client's address ${at}`).toBe(true)
        expect(cells.closes.filter((c) => /\bserver\b/.test(c.info)).length, `the server's closes ${at}`).toBeGreaterThanOrEqual(2)
        expect(cells.closes.filter((c) => /\bclient\b/.test(c.info)).length, `the client's closes ${at}`).toBeGreaterThanOrEqual(2)
        expect(cells.closes.filter((c) => !c.whoFits), `Info cut before it says who closed ${at}`).toEqual([])
        await lab.getByTestId('log-body').evaluate((el) => (el.scrollTop = el.scrollHeight))
        await shot(lab, `log-both-families-${width}x${height}-${zoom.replace('%', '')}${lang === 'en' ? '' : `-${lang}`}`)
      }
    })
  })
}

for (const lang of LANGS) {
  test.describe(() => {
    test.use({ lang })
    test(`the packet log at 200% on 1920×1080 and at 150% on 1280×720: an IPv4 client of a [::] server, whose rows show it mapped ([::ffff:127.0.0.1]:port), whole; rows whole${inLang(lang)}`, async ({ lab }) => {
      test.setTimeout(120_000)
      await lab.setViewportSize({ width: 1280, height: 800 })
      await lab.getByTestId('family-IPv6').click()
      const port = await freePort()
      await startServer(lab, port)
      await expect(lab.getByTestId('server-status')).toContainText(`[::]:${port}`)
      await lab.getByTestId('family-IPv4').click()
      await expect(lab.getByTestId('client-address')).toHaveValue('127.0.0.1')
      await exchange(lab, 'mapped')
      const mapped = /^\[::ffff:127\.0\.0\.1\]:\d+$/
      await expect.poll(async () => (await logCells(lab)).addresses.filter((a) => mapped.test(a)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1)

      for (const [width, height, zoom] of [
        [1280, 800, '100%'],
        [1920, 1080, '200%'],
        [1280, 720, '150%']
      ] as const) {
        await lab.setViewportSize({ width, height })
        await zoomTo(lab, zoom)
        const at = `at ${zoom} on ${width}×${height}`
        const cells = await logCells(lab)
        expect(cells.cut, `cut ${at}`).toEqual([])
        expect(cells.addresses.some((a) => mapped.test(a)), `the mapped client address ${at}`).toBe(true)
        expect(cells.addresses.some((a) => a === `[::]:${port}` || a === `[::ffff:127.0.0.1]:${port}`), `the server's address ${at}`).toBe(true)
        expect(cells.closes.filter((c) => !c.whoFits), `Info cut before it says who closed ${at}`).toEqual([])
        await lab.getByTestId('log-body').evaluate((el) => (el.scrollTop = el.scrollHeight))
        await expect.poll(async () => (await logViewport(lab)).cutRows, `log rows cut ${at}`).toBe(0)
        expect((await logViewport(lab)).fullRows, `log rows ${at}`).toBeGreaterThanOrEqual(3)
        await shot(lab, `log-mapped-${width}x${height}-${zoom.replace('%', '')}${lang === 'en' ? '' : `-${lang}`}`)
      }
    })
  })
}
