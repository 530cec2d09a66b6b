// A kept-open session in the window: the server keeps connections open, the client stays connected
// and sends three sentences on one connection (three replies), the server lists that one
// connection with the client's address and port, and closes it from the list. Writes/reads then
// shows the three writes of each side against the three reads of the other.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, serverConsole, shot, startServer, test } from './fixtures'

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

const caption = (page: Page, from: 'client' | 'server') => page.locator(`[data-testid=stream-direction][data-from=${from}] [data-testid=stream-caption]`)

/** The window does not scroll, and the server's list of open connections is on screen, whole. */
async function fits(page: Page): Promise<void> {
  const size = await page.evaluate(() => {
    const d = document.scrollingElement!
    const wide = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 1 || el.getBoundingClientRect().bottom > innerHeight + 1).slice(0, 5).map((el) => `${el.tagName}.${el.className} ${JSON.stringify(el.getBoundingClientRect())}`)
    return { h: d.scrollHeight, w: d.scrollWidth, ih: innerHeight, iw: innerWidth, wide }
  })
  expect(size.h <= size.ih && size.w <= size.iw, JSON.stringify(size)).toBe(true)
  await expect(page.locator('.connection-popover')).toBeInViewport({ ratio: 1 })
}

for (const lang of ['en', 'it'] as const) {
  test.describe(() => {
    test.use({ lang })
    const it = lang === 'it'
    test(`a session of three sentences on one connection, listed by the server and closed from its list${it ? ' (it)' : ''}`, async ({ lab }) => {
      test.setTimeout(120_000)
      await lab.setViewportSize({ width: 1920, height: 1080 })
      await lab.getByTestId('server-keep-open').check()
      await startServer(lab, await freePort())
      await lab.getByTestId('client-stream-toggle').click()
      await lab.getByTestId('client-session').check()
      await lab.getByTestId('client-stream-toggle').click()
      await lab.getByTestId('client-connect').click()
      await expect(lab.getByTestId('client-close')).toBeVisible()
      // The server's head says how many connections it holds open, and opens into their list.
      await expect(lab.getByTestId('connection-list-toggle')).toHaveText(it ? '1 aperta' : '1 open')
      await lab.getByTestId('connection-list-toggle').click()
      const list = lab.getByTestId('open-connection')
      await expect(list).toHaveCount(1)
      const peer = (await list.locator('[translate=no]').textContent())!
      expect(peer).toMatch(/^127\.0\.0\.1:\d+$/)
      for (const sentence of ['one', 'two', 'three']) {
        await sendFromClient(lab, sentence)
        await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain(`Received reply <${sentence.toUpperCase()}>`)
        // Still connected: the next sentence goes on the same connection.
        await expect(lab.getByTestId('client-close')).toBeVisible()
      }
      // One connection all along: one CONNECT, one ACCEPT, no CLOSE yet; the server's list has it with its three reads.
      const rows = await logRows(lab)
      expect(rows.filter((r) => r[6].startsWith('CONNECT')).length).toBe(1)
      expect(rows.filter((r) => r[6].startsWith('ACCEPT')).length).toBe(1)
      expect(rows.filter((r) => r[6].startsWith('CLOSE')).length).toBe(0)
      await expect(list).toHaveCount(1)
      await expect(list).toContainText(peer)
      await expect(list).toContainText(it ? '3 letture' : '3 reads')
      await expect(lab.getByTestId('connection-list-toggle')).toHaveText(it ? '1 aperta' : '1 open')
      expect((await consoleText(serverConsole(lab))).split('Received request from').length - 1).toBe(3)

      await lab.getByTestId('view-stream').click()
      await expect(caption(lab, 'client')).toHaveText(it ? '3 scritture sono arrivate come 3 letture' : '3 writes arrived as 3 reads')
      await expect(caption(lab, 'server')).toHaveText(it ? '3 scritture sono arrivate come 3 letture' : '3 writes arrived as 3 reads')
      await shot(lab, `session${it ? '-it' : ''}`)
      await fits(lab)
      await zoomTo(lab, '200%')
      await shot(lab, `session-200${it ? '-it' : ''}`)
      await fits(lab)
      await lab.setViewportSize({ width: 1280, height: 720 })
      await zoomTo(lab, '150%')
      await shot(lab, `session-150${it ? '-it' : ''}`)
      await fits(lab)
      await zoomTo(lab, '100%')

      // Close it from the server's list: the server closes, the client sees it, the list empties.
      await lab.getByTestId('open-connection-close').click()
      await expect(list).toHaveCount(0)
      await expect(lab.getByTestId('connection-list-toggle')).toHaveText(it ? '0 aperte' : '0 open')
      await expect(lab.getByTestId('client-connect')).toBeVisible({ timeout: 15_000 })
      // The server's close() and then the client's, on that one connection.
      await lab.getByTestId('view-log').click()
      await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).map((r) => r[4]), { timeout: 15_000 }).toHaveLength(2)
    })
  })
}
