// The wire view, the ladder and the packet log read as a whole on the screens a course uses: a lab
// PC at 100% and a projector at 150–200%. Nothing a student reads is cut or drawn over something
// else, also after an hour of class, when times have grown to four digits of seconds.

import type { Locator, Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, sendFromClient, shot, startServer, test } from './fixtures'

/** A time the views show after about twenty minutes of class: 11 characters. */
const HOUR_OF_CLASS = '1234.567890'

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

async function captureOn(page: Page, port: number): Promise<void> {
  await page.getByTestId('view-wire').click()
  await startServer(page, port)
  await expect(page.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })
}

/** The wire view's header cells shown now, by name, with whether their text is cut. */
async function wireLayout(page: Page): Promise<{ shown: string[]; cut: Record<string, number>; overflowRight: number }> {
  return page.getByTestId('wire-view').evaluate((view) => {
    const head = view.querySelector('.wire-row.head')!
    const names = [...head.children].map((c) => c.textContent ?? '')
    const visible = (c: Element): boolean => getComputedStyle(c).display !== 'none'
    const cut: Record<string, number> = {}
    for (const row of view.querySelectorAll('[data-testid=wire-row]'))
      [...row.children].forEach((c, i) => {
        if (visible(c) && c.scrollWidth > c.clientWidth + 1) cut[names[i]] = (cut[names[i]] ?? 0) + 1
      })
    const last = [...head.children].filter(visible).at(-1)!.getBoundingClientRect()
    return { shown: names.filter((_, i) => visible(head.children[i])), cut, overflowRight: Math.round(last.right - head.getBoundingClientRect().right) }
  })
}

/** Whether a cell of this column can show an hour-long lab's time whole: the text is put in for the measure only. */
async function holdsLongTime(cells: Locator): Promise<boolean> {
  return cells.first().evaluate((cell, text) => {
    const was = cell.textContent
    cell.textContent = text
    const fits = cell.scrollWidth <= cell.clientWidth
    cell.textContent = was
    return fits
  }, HOUR_OF_CLASS)
}

test('the wire view: the Window column on a 1280 px lab PC, and at 200% on 1920×1080 and 150% on 1280×720 no time, seq/ack or words cut', async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.setViewportSize({ width: 1280, height: 800 })
  const port = await freePort()
  await captureOn(lab, port)
  await exchange(lab, 'hello world')
  await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).some((r) => r.includes('last ACK: both sides closed')), { timeout: 15_000 }).toBe(true)

  const times = lab.getByTestId('wire-row').locator('[role=gridcell]:nth-child(2)')
  const atLabPc = await wireLayout(lab)
  expect(atLabPc.shown).toContain('Window')
  expect(atLabPc.cut).toEqual({})
  expect(await holdsLongTime(times)).toBe(true)
  await shot(lab, 'wire-1280-100')

  for (const [width, height, zoom] of [
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    await lab.setViewportSize({ width, height })
    await zoomTo(lab, zoom)
    const layout = await wireLayout(lab)
    expect(layout.overflowRight, `the last column ends inside the view at ${zoom} on ${width}×${height}`).toBeLessThanOrEqual(0)
    // Addresses may be cut at their start (the port stays); what the lesson is about may not.
    for (const column of ['No.', 'Time (s)', 'Flags', 'Seq / Ack', 'Length', 'What it is']) expect(layout.cut[column], `${column} at ${zoom} on ${width}×${height}`).toBeUndefined()
    expect(await holdsLongTime(times), `an 11-character time at ${zoom} on ${width}×${height}`).toBe(true)
    await shot(lab, `wire-${width}x${height}-${zoom.replace('%', '')}`)
  }
})

test('the packet log holds an hour-long lab’s time whole, at 100% and at 200% on 1920×1080', async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.setViewportSize({ width: 1280, height: 800 })
  await startServer(lab, await freePort())
  const times = lab.getByTestId('log-row').locator('span:nth-child(2)')
  await expect(times.first()).toBeVisible()
  expect(await holdsLongTime(times)).toBe(true)
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await zoomTo(lab, '200%')
  expect(await holdsLongTime(times)).toBe(true)
})

/** Every text of the ladder inside its drawing, and no two of them on top of each other. */
async function ladderTextsClear(page: Page): Promise<{ outside: string[]; overlapping: string[] }> {
  return page.getByTestId('ladder').locator('svg').evaluate((svg) => {
    const box = svg.getBoundingClientRect()
    const texts = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
    const outside = texts.filter(({ r }) => r.left < box.left - 1 || r.right > box.right + 1).map((t) => t.text)
    const overlapping: string[] = []
    texts.forEach((a, i) =>
      texts.slice(i + 1).forEach((b) => {
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left)
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top)
        if (x > 1 && y > 1) overlapping.push(`${a.text} / ${b.text}`)
      })
    )
    return { outside, overlapping }
  })
}

test('the ladder of a UDP exchange: recvfrom()’s words neither cut at the edge nor drawn over the times, at 100% and 200%', async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.setViewportSize({ width: 1366, height: 768 })
  await lab.getByTestId('lab-udp').click()
  const port = await freePort()
  await captureOn(lab, port)
  await sendFromClient(lab, 'udp over the wire')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('UDP OVER THE WIRE')
  await expect.poll(async () => (await lab.getByTestId('wire-row').count()), { timeout: 15_000 }).toBe(2)
  await lab.getByTestId('view-ladder').click()
  await expect(lab.getByTestId('ladder-call')).toHaveCount(4)
  expect(await ladderTextsClear(lab)).toEqual({ outside: [], overlapping: [] })
  await shot(lab, 'ladder-udp-1366-100')
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await zoomTo(lab, '200%')
  expect(await ladderTextsClear(lab)).toEqual({ outside: [], overlapping: [] })
  await shot(lab, 'ladder-udp-1920-200')
})
