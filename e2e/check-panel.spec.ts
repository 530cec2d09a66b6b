// The Check panel (issue 18): grades a server the student started OUTSIDE socklab (here the course's
// Python TCP server, spawned by the test on a free port), by its address and port: all ✓; and a
// broken server (no upper-casing) with the right ✗ line, "expected …, saw …". In English and Italian,
// at 100% and 200% (1920×1080) and 150% (1280×720), the panel whole in the viewport.

import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import net from 'node:net'
import type { Page } from '@playwright/test'
import enCheck from '../src/shared/i18n/locales/en/check.json'
import itCheck from '../src/shared/i18n/locales/it/check.json'
import { expect, freePort, ROOT, shot, test } from './fixtures'

const started: ChildProcess[] = []
test.afterEach(() => {
  for (const p of started.splice(0)) p.kill('SIGTERM')
})

/** Starts a Python server of the fixtures on `port` and resolves once it accepts connections. */
async function pythonServer(file: string, port: number): Promise<void> {
  const child = spawn('python3', [path.join(ROOT, 'test', 'fixtures', file), '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  started.push(child)
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${file} did not listen on ${port}`)
}

/** Closes the panel, zooms the window (the header's buttons), and opens it again: the result stays. */
async function zoomTo(lab: Page, percent: string): Promise<void> {
  await lab.getByTestId('check-close').click()
  for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== percent; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText(percent)
  await lab.getByTestId('check-open').click()
  await expect(lab.getByTestId('check-score')).toBeVisible()
}

async function check(lab: Page, port: number): Promise<void> {
  await lab.getByTestId('check-open').click()
  await expect(lab.getByTestId('check-panel')).toBeVisible()
  await lab.getByTestId('check-what').selectOption('tcp-server')
  await lab.getByTestId('check-address').fill('127.0.0.1')
  await lab.getByTestId('check-port').fill(String(port))
  await lab.getByTestId('check-run').click()
  await expect(lab.getByTestId('check-score')).toBeVisible({ timeout: 60_000 })
}

/**
 * The panel fits the viewport whole (it scrolls inside itself, never the page) and no line of it is
 * cut sideways. (The window behind it has its own layout tests: e2e/projector.spec.ts.)
 */
const panelFits = (lab: Page): Promise<boolean> =>
  lab.evaluate(() => {
    const panel = document.querySelector('[data-testid=check-panel]')!
    const r = panel.getBoundingClientRect()
    const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight
    const uncut = [...panel.querySelectorAll('.check-line, .check-title, .check-score')].every((e) => e.scrollWidth <= e.clientWidth + 1)
    return inside && uncut && panel.scrollWidth <= panel.clientWidth + 1
  })

test('the Check panel grades the course TCP server started outside socklab: every item ✓', async ({ lab }) => {
  test.setTimeout(120_000)
  const port = await freePort()
  await pythonServer('course/tcp_server.py', port)
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await check(lab, port)
  const items = lab.locator('[data-testid^=check-item-]')
  expect(await items.count()).toBeGreaterThanOrEqual(5)
  for (const status of await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) expect(status).toBe('pass')
  await expect(lab.getByTestId('check-score')).toContainText(enCheck.report.allPassed)
  await expect(lab.getByTestId('check-item-upper-case')).toContainText('✓')
  await shot(lab, 'check-panel')
  // The README's picture of the panel (docs/check-panel.png), made when asked, as the other README pictures.
  if (process.env.SOCKLAB_README_SHOT === '1') await lab.screenshot({ path: path.join(ROOT, 'docs', 'check-panel.png') })
  await zoomTo(lab, '200%')
  await shot(lab, 'check-panel-200')
  expect(await panelFits(lab)).toBe(true)
})

test.describe('in Italian', () => {
  test.use({ lang: 'it' })
  test('a broken server (no upper-casing) fails the right item, with its "expected …, saw …" line', async ({ lab }) => {
    test.setTimeout(120_000)
    const port = await freePort()
    await pythonServer('broken/tcp_server_no_upper.py', port)
    await lab.setViewportSize({ width: 1920, height: 1080 })
    await expect(lab.getByTestId('check-open')).toHaveText(itCheck.panel.open)
    await check(lab, port)
    await expect(lab.getByTestId('check-item-listens')).toHaveAttribute('data-status', 'pass')
    await expect(lab.getByTestId('check-item-upper-case')).toHaveAttribute('data-status', 'fail')
    const line = lab.getByTestId('check-line-upper-case')
    await expect(line).toContainText('atteso')
    await expect(line).toContainText('"HELLO')
    await expect(line).toContainText('"hello')
    await expect(lab.getByTestId('check-score')).not.toContainText(itCheck.report.allPassed)
    await shot(lab, 'check-panel-it')
    await zoomTo(lab, '200%')
    expect(await panelFits(lab)).toBe(true)
    await shot(lab, 'check-panel-it-200')
    // 150% on 1280×720.
    await lab.setViewportSize({ width: 1280, height: 720 })
    await lab.getByTestId('check-close').click()
    await lab.getByTestId('zoom-reset').click()
    await lab.getByTestId('check-open').click()
    await zoomTo(lab, '150%')
    await shot(lab, 'check-panel-it-150-720')
    expect(await panelFits(lab)).toBe(true)
  })
})
