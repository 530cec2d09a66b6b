// Writes/reads in the window: one connection's send() calls against the other side's recv()
// calls, with the caption of what happened, readable at 200% on 1920×1080 and 150% on 1280×720,
// in English and Italian.

import { execFileSync } from 'node:child_process'
import type { Page } from '@playwright/test'
import enStream from '../src/shared/i18n/locales/en/stream.json'
import itStream from '../src/shared/i18n/locales/it/stream.json'
import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, shot, startServer, test } from './fixtures'

/** Bytes waiting unread in the server socket's receive queue for the client on `clientPort` (ss's Recv-Q): the kernel's count. */
function recvQueue(serverPort: number, clientPort: number): number {
  const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${serverPort} and dport = :${clientPort} )`], { encoding: 'utf8' })
  const cols = out.trim().split(/\s+/)
  return cols.length >= 2 ? Number(cols[0]) : -1
}

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

/** The lanes of one direction as the student sees them: each piece's [from, to) on the byte axis. */
async function lane(page: Page, from: 'client' | 'server', which: 'writes' | 'reads'): Promise<string[]> {
  const side = which === 'writes' ? from : from === 'client' ? 'server' : 'client'
  const pieces = page.locator(`[data-testid=stream-direction][data-from=${from}] [data-testid=stream-lane][data-lane=${which}][data-side=${side}] [data-testid=stream-piece]`)
  return pieces.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-from')}-${el.getAttribute('data-to')}`))
}

const caption = (page: Page, from: 'client' | 'server') => page.locator(`[data-testid=stream-direction][data-from=${from}] [data-testid=stream-caption]`)

/** The view fits: no page scroll, the captions whole (not cut with an ellipsis), text at least 12 px. */
async function readable(page: Page): Promise<void> {
  const fit = await page.evaluate(() => {
    const view = document.querySelector('[data-testid=stream-view]')!
    const captions = [...view.querySelectorAll<HTMLElement>('[data-testid=stream-caption]')]
    const lanes = [...view.querySelectorAll<HTMLElement>('[data-testid=stream-lane]')]
    const body = view.querySelector<HTMLElement>('.stream-body')!.getBoundingClientRect()
    return {
      scrolls: document.scrollingElement!.scrollHeight > innerHeight || document.scrollingElement!.scrollWidth > innerWidth,
      cut: captions.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      lanesInView: lanes.every((l) => {
        const r = l.getBoundingClientRect()
        return r.top >= body.top - 1 && r.bottom <= body.bottom + 1
      }),
      smallest: Math.min(...captions.map((c) => parseFloat(getComputedStyle(c).fontSize)))
    }
  })
  expect(fit.scrolls, 'the page scrolls').toBe(false)
  expect(fit.cut, 'captions cut').toEqual([])
  expect(fit.lanesInView, 'every lane in view').toBe(true)
  expect(fit.smallest).toBeGreaterThanOrEqual(12)
}

for (const lang of ['en', 'it'] as const) {
  test.describe(() => {
    test.use({ lang })
    const words = lang === 'en' ? enStream : itStream
    test(`3 writes arrive as 1 read: a client's message in 3 writes, queued at an iterative keep-open server, read at once${lang === 'en' ? '' : ' (it)'}`, async ({ lab }) => {
      test.setTimeout(90_000)
      await lab.setViewportSize({ width: 1920, height: 1080 })
      await lab.getByTestId('server-keep-open').check()
      const port = await freePort()
      await startServer(lab, port)
      // Client 1 holds the iterative server; client 2's three writes wait in the kernel meanwhile.
      await lab.getByTestId('client-stream-toggle').click()
      await lab.getByTestId('client-session').check()
      await lab.getByTestId('client-stream-toggle').click()
      await lab.getByTestId('client-connect').click()
      await expect(lab.getByTestId('client-close')).toBeVisible()
      await lab.getByTestId('client-new').click()
      await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
      await lab.getByTestId('client-stream-toggle').click()
      await lab.getByTestId('client-chunks').fill('3')
      await lab.getByTestId('client-stream-toggle').click()
      await sendFromClient(lab, 'abc def ghi')
      await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('SEND')).length, { timeout: 15_000 }).toBe(3)
      // Client 1 is freed only once the kernel holds all 11 bytes for the server (ss's Recv-Q), however Nagle sent them.
      const clientPort = Number((await logRows(lab)).find((r) => r[6].startsWith('SEND'))![2].split(':').at(-1))
      await expect.poll(() => recvQueue(port, clientPort), { timeout: 10_000 }).toBe(11)
      await lab.getByTestId('client-tab-1').click()
      await lab.getByTestId('client-close').click()
      await lab.getByTestId('client-tab-2').click()
      await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Received reply <ABC DEF GHI>')
      await lab.getByTestId('view-stream').click()
      await expect(caption(lab, 'client')).toHaveText(lang === 'en' ? '3 writes arrived as 1 read' : '3 scritture sono arrivate come 1 lettura')
      expect(await lane(lab, 'client', 'writes')).toEqual(['0-4', '4-7', '7-11'])
      expect(await lane(lab, 'client', 'reads')).toEqual(['0-11'])
      await expect(caption(lab, 'server')).toHaveText(lang === 'en' ? '1 write arrived as 1 read' : '1 scrittura è arrivata come 1 lettura')
      await readable(lab)
      await shot(lab, `stream-view${lang === 'en' ? '' : '-it'}`)
      await zoomTo(lab, '200%')
      await readable(lab)
      await shot(lab, `stream-view-200${lang === 'en' ? '' : '-it'}`)
      await lab.setViewportSize({ width: 1280, height: 720 })
      await zoomTo(lab, '150%')
      await readable(lab)
    })

    test(`a 3,000-byte write read by recv(1024) and the rest left unread; a UDP datagram cut by recvfrom(1024)${lang === 'en' ? '' : ' (it)'}`, async ({ lab }) => {
      test.setTimeout(90_000)
      await lab.setViewportSize({ width: 1920, height: 1080 })
      const port = await freePort()
      await startServer(lab, port)
      const long = 'x'.repeat(3000)
      await sendFromClient(lab, long)
      await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Received reply <XXX')
      await lab.getByTestId('view-stream').click()
      await expect(lab.getByTestId('view-stream')).toHaveText(words.tab)
      await expect(caption(lab, 'client')).toHaveText(lang === 'en' ? '1 write arrived as 1 read; 1,976 bytes left unread' : '1 scrittura è arrivata come 1 lettura; 1.976 byte residui non letti')
      expect(await lane(lab, 'client', 'writes')).toEqual(['0-3000'])
      expect(await lane(lab, 'client', 'reads')).toEqual(['0-1024'])
      await expect(lab.locator('[data-testid=stream-direction][data-from=client] [data-testid=stream-unread]')).toHaveText(lang === 'en' ? '1,976 unread' : '1.976 non letti')
      await expect(caption(lab, 'server')).toHaveText(lang === 'en' ? '1 write arrived as 1 read' : '1 scrittura è arrivata come 1 lettura')
      await readable(lab)
      await shot(lab, `stream-view-unread-100${lang === 'en' ? '' : '-it'}`)
      await zoomTo(lab, '200%')
      await readable(lab)
      await shot(lab, `stream-view-unread-200${lang === 'en' ? '' : '-it'}`)
      await lab.setViewportSize({ width: 1280, height: 720 })
      await zoomTo(lab, '150%')
      await readable(lab)
      await zoomTo(lab, '100%')
      await lab.setViewportSize({ width: 1920, height: 1080 })

      // UDP: the datagram longer than the server's recvfrom(1024) is drawn cut.
      await lab.getByTestId('lab-udp').click()
      await lab.getByTestId('server-recv-size').fill('1024')
      await startServer(lab, await freePort())
      await sendFromClient(lab, 'y'.repeat(2000))
      await expect(caption(lab, 'client')).toHaveText(lang === 'en' ? '1 datagram of 2,000 bytes, cut to 1,024 by recvfrom(1024): 976 bytes lost' : '1 datagramma di 2.000 byte, troncato a 1.024 da recvfrom(1024): 976 byte persi', { timeout: 15_000 })
      expect(await lane(lab, 'client', 'writes')).toEqual(['0-2000'])
      expect(await lane(lab, 'client', 'reads')).toEqual(['0-2000'])
      await expect(lab.locator('[data-testid=stream-direction][data-from=client] [data-testid=stream-cut]')).toHaveText(lang === 'en' ? '976 cut' : '976 troncati')
      await readable(lab)
      await shot(lab, `stream-view-udp-100${lang === 'en' ? '' : '-it'}`)
      await zoomTo(lab, '200%')
      await readable(lab)
      await shot(lab, `stream-view-udp-200${lang === 'en' ? '' : '-it'}`)
    })
  })
}
