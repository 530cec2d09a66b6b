// A window that follows another (the instructor's projector following the instructor's own
// window, both on one host): it shows the leader's lab, client tab, view and selected row, live,
// with the leader's client numbers, keeps following over a reload of either, says in one line
// when the leader has closed, and is itself again once it stops following.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, shot, startServer, test } from './fixtures'

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

const numberOf = async (page: Page): Promise<number> => {
  await expect(page.getByTestId('window-number')).toHaveText(/Window \d+/)
  return Number((await page.getByTestId('window-number').textContent())!.replace(/\D/g, ''))
}

test('a projector window follows the leader: lab, client tab by its number, view and row, live, over reloads', async ({ lab: leader }) => {
  test.setTimeout(90_000)
  const projector = await leader.context().newPage()
  await projector.goto(leader.url())
  await expect(projector.getByTestId('host-info')).toContainText('browser host')
  // The projector's own Client 1 holds a sentence not sent: the leader's clients take other numbers there.
  await projector.getByTestId('client-input').fill('mine')

  const port = await freePort()
  await startServer(leader, port)
  await exchange(leader, 'alpha')
  await leader.getByTestId('client-new').click()
  await exchange(leader, 'beta')
  // Without following, the leader's Client 2 is Client 3 on the projector (the issue as filed).
  await expect.poll(() => projector.getByTestId('client-tab-3').count()).toBe(1)

  const leaderNo = await numberOf(leader)
  expect(await numberOf(projector)).not.toBe(leaderNo)
  await projector.getByTestId('follow-select').selectOption(String(leaderNo))

  // The leader's Client 2, as Client 2, with its reply.
  await expect(projector.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await expect(projector.getByTestId('client-tab-3')).toHaveCount(0)
  await expect.poll(() => consoleText(clientConsole(projector))).toContain('Received reply <BETA>')
  await leader.getByTestId('client-tab-1').click()
  await expect(projector.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
  await expect.poll(() => consoleText(clientConsole(projector))).toContain('Received reply <ALPHA>')
  expect(await consoleText(clientConsole(projector))).not.toContain('BETA')

  // The lab.
  await leader.getByTestId('lab-udp').click()
  await expect(projector.getByTestId('lab-udp')).toHaveAttribute('aria-selected', 'true')
  await leader.getByTestId('lab-tcp').click()
  await expect(projector.getByTestId('lab-tcp')).toHaveAttribute('aria-selected', 'true')

  // The view below.
  await leader.getByTestId('view-wire').click()
  await expect(projector.getByTestId('view-wire')).toHaveAttribute('aria-selected', 'true')
  await leader.getByTestId('view-log').click()
  await expect(projector.getByTestId('view-log')).toHaveAttribute('aria-selected', 'true')

  // The selected row: the same event.
  const row = leader.getByTestId('log-row').nth(2)
  await row.click()
  const picked = await row.getAttribute('aria-rowindex')
  const pickedText = (await row.locator('[role=gridcell]').allTextContents()).join(' | ')
  const mirrored = projector.locator('[data-testid=log-row][aria-selected=true]')
  await expect(mirrored).toHaveAttribute('aria-rowindex', picked!)
  expect((await mirrored.locator('[role=gridcell]').allTextContents()).join(' | ')).toBe(pickedText)

  await shot(projector, 'follow-projector-100')
  await projector.setViewportSize({ width: 1920, height: 1080 })
  await zoomTo(projector, '200%')
  await expect(projector.getByTestId('follow-select')).toBeInViewport()
  await shot(projector, 'follow-projector-200')

  // A reload of the projector: it follows again. A reload of the leader: it keeps its number.
  await projector.reload()
  await expect(projector.getByTestId('follow-select')).toHaveValue(String(leaderNo))
  await expect(projector.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
  await expect.poll(() => consoleText(clientConsole(projector))).toContain('Received reply <ALPHA>')
  await leader.reload()
  await expect.poll(() => numberOf(leader)).toBe(leaderNo)
  await leader.getByTestId('client-tab-2').click()
  await expect(projector.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await expect(projector.getByTestId('follow-note')).toHaveCount(0)

  // The leader closes: said in one line; the projector keeps what it showed.
  await leader.close()
  await expect(projector.getByTestId('follow-note')).toHaveText(`Window ${leaderNo} is closed: this window shows what it showed last`)
  await expect(projector.getByTestId('follow-select').locator('option:checked')).toHaveText(`Window ${leaderNo} closed`)
  await expect(projector.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  // On the projector's zoom the header keeps to one line, the note with it.
  for (const [width, height, zoom] of [
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    await projector.setViewportSize({ width, height })
    await zoomTo(projector, zoom)
    await shot(projector, `follow-gone-${zoom.replace('%', '')}`)
    const header = await projector.locator('header.top').boundingBox()
    const tab = await projector.getByTestId('lab-tcp').boundingBox()
    expect(header!.height, `one header line at ${zoom} on ${width}×${height}`).toBeLessThan(tab!.height * 2)
    await expect(projector.getByTestId('follow-select')).toBeInViewport()
  }

  // Following none: the projector is itself again, its own Client 1 with its sentence.
  await projector.getByTestId('follow-select').selectOption('')
  await expect(projector.getByTestId('follow-note')).toHaveCount(0)
  await expect(projector.getByTestId('client-tab-3')).toHaveCount(1)
  await projector.getByTestId('client-tab-1').click()
  await expect(projector.getByTestId('client-input')).toHaveValue('mine')
})
