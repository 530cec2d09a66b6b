// What a course needs on a projector and across a reload: the wire view and the packet log read
// whole at 150–200% (IPv4 told from IPv6, who closed), the IPv4/IPv6 switch says what the client
// tabs use after a reload, and "+ New client" stays reachable however many tabs the lab has.

import type { Page } from '@playwright/test'
import { MAX_ENDPOINTS_PER_LAB } from '../src/shared/limits'
import { clientConsole, consoleText, exchange, expect, freePort, shot, startServer, test } from './fixtures'

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

test('"+ New client" stays reachable up to the lab’s endpoint limit, at 1440 px, at 200% on 1920×1080 and at 150% on 1280×720; the tab on screen is in view', async ({ lab }) => {
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
    await shot(lab, `client-tabs-${width}x${height}-${zoom.replace('%', '')}`)
  }
  // An early tab is still reachable: back to Client 1 and it is in view.
  await lab.getByTestId('client-tab-1').scrollIntoViewIfNeeded()
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
})
