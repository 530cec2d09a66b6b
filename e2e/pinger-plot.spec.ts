// The Pinger lab in the window: the ping server drops a share of the pings on purpose (a fixed
// seed), the client sends 10, and the RTT plot shows 10 marks, the lost ones marked as such, and
// the loss in per cent that the server's drops make. Screenshots at 100% and 200%, English and Italian.

import type { Page } from '@playwright/test'
import enPinger from '../src/shared/i18n/locales/en/pinger.json'
import itPinger from '../src/shared/i18n/locales/it/pinger.json'
import enRelay from '../src/shared/i18n/locales/en/relay.json'
import itRelay from '../src/shared/i18n/locales/it/relay.json'
import { clientConsole, consoleText, expect, freePort, serverConsole, shot, startServer, test } from './fixtures'

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

/** What the catalog line says before its first parameter ("dropped on purpose", "scartato di proposito"). */
const ending = (line: string): string => line.split('}}').at(-1)!.trim()

for (const lang of ['en', 'it'] as const) {
  test.describe(`the Pinger lab (${lang})`, () => {
    test.use({ lang, viewport: { width: 1920, height: 1080 } })

    test('10 pings through a lossy ping server: the plot marks each, the lost ones as ✕, and the loss the server made', async ({ lab }) => {
      const words = lang === 'en' ? enPinger : itPinger
      const relay = lang === 'en' ? enRelay : itRelay
      await lab.getByTestId('lab-ping').click()
      await expect(lab.getByTestId('ping-plot-empty')).toHaveText(words.plot.empty)
      const port = await freePort()
      await lab.getByTestId('ping-loss-field').fill('40')
      await lab.getByTestId('ping-seed').fill('7')
      await startServer(lab, port)
      await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
      await expect(lab.getByTestId('ping-count')).toHaveValue('10')
      await lab.getByTestId('client-timeout').fill('0.5')
      await lab.getByTestId('client-send').click()
      // Live: marks come while it pings, before the statistics.
      await expect.poll(() => lab.getByTestId('ping-mark').count()).toBeGreaterThan(0)
      await expect(lab.getByTestId('ping-loss')).toHaveAttribute('data-sent', '10', { timeout: 15_000 })
      await expect(lab.getByTestId('client-status')).toHaveAttribute('title', new RegExp(words.status.done_other.split('{{')[0].trim()))
      const marks = lab.getByTestId('ping-mark')
      await expect(marks).toHaveCount(10)
      const lost = await lab.locator('[data-testid=ping-mark][data-lost=true]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))
      // The server's own account: one line per ping dropped on purpose.
      await expect.poll(async () => (await consoleText(serverConsole(lab))).split('\n').filter((l) => l.trim().endsWith(ending(relay.pingServer.drop)) || l.trim().endsWith(ending(relay.pingServer.reply))).length).toBe(10)
      const served = (await consoleText(serverConsole(lab))).split('\n')
      const dropped = served.filter((l) => l.trim().endsWith(ending(relay.pingServer.drop))).map((l) => Number(/^ping (\d+)/.exec(l.trim())![1]))
      expect(dropped.length).toBeGreaterThan(0)
      expect(dropped.length).toBeLessThan(10)
      expect(lost).toEqual(dropped)
      await expect(lab.getByTestId('ping-loss')).toHaveAttribute('data-lost', String(dropped.length))
      await expect(lab.getByTestId('ping-loss')).toHaveAttribute('data-loss-pct', String(dropped.length * 10))
      await expect(lab.getByTestId('ping-loss')).toContainText(`${dropped.length * 10}%`)
      // The client's console: the assignment's lines, never translated, one per ping, then the statistics.
      const lines = (await consoleText(clientConsole(lab))).split('\n').map((l) => l.trim())
      expect(lines.filter((l) => l === 'Request timed out')).toHaveLength(dropped.length)
      expect(lines.filter((l) => /^PING \d+ \d+\.\d{6} RTT: \d+\.\d{6} s$/.test(l))).toHaveLength(10 - dropped.length)
      // min, avg and max drawn as lines, the legend says which is which.
      for (const k of ['min', 'avg', 'max']) await expect(lab.getByTestId(`ping-line-${k}`)).toHaveCount(1)
      await expect(lab.getByTestId('ping-plot')).toContainText(words.plot.legendLoss)
      const suffix = lang === 'en' ? '' : '-it'
      await shot(lab, `pinger-plot${suffix}`)
      // A projector's zoom: everything still fits, the plot's marks inside its box, tall enough to read, no page scroll.
      const fits = (): Promise<{ page: true | number; svg: boolean }> =>
        lab.evaluate(() => {
          const svg = document.querySelector('[data-testid=ping-svg]')!.getBoundingClientRect()
          const box = document.querySelector('.ping-plot-box')!.getBoundingClientRect()
          const over = document.documentElement.scrollHeight - window.innerHeight
          return { page: over <= 0 ? true : over, svg: svg.bottom <= box.bottom + 1 && svg.right <= box.right + 1 && svg.height >= 7 * parseFloat(getComputedStyle(document.documentElement).fontSize) }
        })
      await zoomTo(lab, '200%')
      await expect(marks).toHaveCount(10)
      await shot(lab, `pinger-plot-200${suffix}`)
      expect(await fits()).toEqual({ page: true, svg: true })
      await lab.setViewportSize({ width: 1280, height: 720 })
      await zoomTo(lab, '150%')
      await shot(lab, `pinger-plot-1280x720-150${suffix}`)
      expect(await fits()).toEqual({ page: true, svg: true })
    })
  })
}
