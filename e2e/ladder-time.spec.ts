// The Ladder's time axis, in the browser host on real captures: the times it prints go down the
// diagram in order, for a TCP and an HTTP exchange (each call stamped when the program made it,
// the lab's clock measured against the capture's), and it says how well the two are aligned.
// And the course's exchange whole in the pane at 100%, at 200% on 1920×1080 and 150% on 1280×720.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, shot, startServer, test } from './fixtures'

/** The ladder's rows top to bottom: the time each prints, and what it is. */
async function ladderRows(page: Page): Promise<{ time: number; text: string; kind?: string; y: number }[]> {
  const rows = await page
    .getByTestId('ladder')
    .locator('[data-testid=ladder-arrow], [data-testid=ladder-call]')
    .evaluateAll((items) =>
      items.map((g) => ({
        time: Number(g.querySelector('[data-testid=ladder-time]')?.textContent),
        text: g.getAttribute('aria-label') ?? '',
        kind: g.getAttribute('data-kind') ?? undefined,
        y: g.getBoundingClientRect().top
      }))
    )
  return rows.sort((a, b) => a.y - b.y)
}

async function ladderOfFirstConnection(page: Page, port: number): Promise<void> {
  // Both FINs and the last ACK captured, then the ladder of that connection.
  await expect.poll(async () => (await page.getByTestId('wire-row').allTextContents()).some((r) => r.includes('last ACK')), { timeout: 20_000 }).toBe(true)
  await page.getByTestId('wire-row').first().click()
  await page.getByTestId('view-ladder').click()
  await expect(page.getByTestId('ladder-pick').locator('option:checked')).toContainText(`:${port}`)
  await expect(page.getByTestId('ladder-alignment')).toHaveText(/^call times aligned to ±[\d,]+ µs$/, { timeout: 20_000 })
}

async function capturingOn(page: Page, port: number): Promise<void> {
  await page.getByTestId('view-wire').click()
  await expect(page.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })
}

/** The printed times never go back down the page; and the calls sit where the program made them. */
function expectInTime(rows: Awaited<ReturnType<typeof ladderRows>>): void {
  expect(rows.length).toBeGreaterThan(10)
  for (const r of rows) expect(Number.isFinite(r.time), `a time on ${r.text}`).toBe(true)
  for (let i = 1; i < rows.length; i++) expect(rows[i].time, `${rows[i].text} (${rows[i].time}) below ${rows[i - 1].text} (${rows[i - 1].time})`).toBeGreaterThanOrEqual(rows[i - 1].time)
  const at = (match: (r: (typeof rows)[number]) => boolean): number => rows.findIndex(match)
  // The client's send() above the segment it put on the wire, the server's close() above its FIN.
  expect(at((r) => r.kind === 'send' && r.text.startsWith('client'))).toBeLessThan(at((r) => /^client to server: PSH/.test(r.text)))
  expect(at((r) => r.kind === 'close' && r.text.startsWith('server'))).toBeLessThan(at((r) => /^server to client: FIN/.test(r.text)))
}

test('TCP lab: the Ladder prints its times in order down the page, and says how well the two clocks agree', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await capturingOn(lab, port)
  await exchange(lab, 'hello, world!!!')
  await ladderOfFirstConnection(lab, port)
  const rows = await ladderRows(lab)
  expect(rows.some((r) => r.kind === 'send' && r.text === 'client: send(): 15 bytes')).toBe(true)
  expectInTime(rows)
  await shot(lab, 'ladder-time-tcp')
})

test('HTTP lab: the Ladder prints its times in order down the page, the server close() before its FIN', async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.getByTestId('lab-http').click()
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await capturingOn(lab, port)
  await lab.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Reply read in')
  await ladderOfFirstConnection(lab, port)
  expectInTime(await ladderRows(lab))
  await shot(lab, 'ladder-time-http')
})

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

/** Where the ladder's rows lie against its box: all inside it, with nothing to scroll; and its text's size on screen. */
async function ladderFit(page: Page): Promise<{ rows: number; outside: string[]; scrolls: boolean; pageScrolls: boolean; textPx: number; barCut: string[] }> {
  return page.getByTestId('ladder').evaluate((ladder) => {
    const box = ladder.querySelector('[data-testid=ladder-box]')!
    const r = box.getBoundingClientRect()
    const items = [...ladder.querySelectorAll('[data-testid=ladder-arrow], [data-testid=ladder-call]')]
    const outside = items.filter((g) => {
      const b = g.getBoundingClientRect()
      return b.top < r.top - 1 || b.bottom > r.bottom + 1 || b.left < r.left - 1 || b.right > r.right + 1
    })
    const bar = [...ladder.querySelectorAll<HTMLElement>('.log-bar > *')].filter((e) => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('count')) // (a 1 px one is hidden for screen readers only)
    return {
      rows: items.length,
      outside: outside.map((g) => g.getAttribute('aria-label') ?? ''),
      scrolls: box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1,
      pageScrolls: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1,
      textPx: Number(ladder.querySelector('svg.ladder-svg')?.getAttribute('data-text-px')),
      barCut: bar.map((e) => e.textContent ?? '')
    }
  })
}

/** The ladder bar's packet count if it shows whole, else what it shows cut. */
async function countWhole(page: Page): Promise<string> {
  return page.getByTestId('ladder').locator('.log-bar .count').evaluate((c) => (c.scrollWidth <= c.clientWidth ? (c.textContent ?? '') : `cut: ${c.textContent}`))
}

test('the course TCP exchange whole in the Ladder with one action: at 100%, at 200% on 1920×1080 and at 150% on 1280×720', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await capturingOn(lab, port)
  await exchange(lab, 'hello, world!!!')
  await ladderOfFirstConnection(lab, port)
  for (const [width, height, zoom] of [
    [1440, 900, '100%'],
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    const where = `at ${zoom} on ${width}×${height}`
    await lab.setViewportSize({ width, height })
    await zoomTo(lab, zoom)
    await shot(lab, `ladder-pane-${width}x${height}-${zoom.replace('%', '')}`)
    await expect.poll(() => countWhole(lab), `the packet count whole in the pane's bar ${where}`).toMatch(/^1[01] packets · closed$/)
    await lab.getByTestId('ladder-whole').click()
    await expect(lab.getByTestId('ladder-whole')).toHaveAttribute('aria-pressed', 'true')
    await expect.poll(async () => (await ladderFit(lab)).outside, `every row inside the box ${where}`).toEqual([])
    const fit = await ladderFit(lab)
    console.log(`${where}: ${fit.rows} rows whole, text ${fit.textPx} px`)
    expect(fit.rows, where).toBeGreaterThanOrEqual(18)
    expect(fit.scrolls, `nothing to scroll in the ladder ${where}`).toBe(false)
    expect(fit.pageScrolls, `no page scroll ${where}`).toBe(false)
    expect(fit.barCut, `nothing cut in the bar ${where}`).toEqual([])
    // Readable: never smaller than the text at 100% less a tenth.
    expect(fit.textPx, where).toBeGreaterThanOrEqual(12.5)
    await expect(lab.getByTestId('ladder-alignment')).toBeVisible()
    expect(await countWhole(lab), `the packet count whole in the bar ${where}`).toMatch(/^1[01] packets · closed$/)
    await shot(lab, `ladder-whole-${width}x${height}-${zoom.replace('%', '')}`)
    // Back to the consoles, as it was.
    await lab.keyboard.press('Escape')
    await expect(lab.getByTestId('ladder-whole')).toHaveAttribute('aria-pressed', 'false')
    await expect(lab.getByTestId('client-panel')).toBeVisible()
  }
})
