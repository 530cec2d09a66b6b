// A reload brings every client tab back where it was: a client that was cancelled or closed keeps
// its tab and its lines (they do not land in Client 1), a running client comes back in its own
// tab, and the window comes back on the tab it showed.

import type { Page } from '@playwright/test'
import { clientConsole, connectedAndQueued, consoleText, consoleTextOf, expect, freePort, logRows, startServer, test } from './fixtures'

const CANCELLED = 'Cancelled: the client stopped waiting and closed its socket.'

/** Everything client tab `n`'s console holds, whichever tab is on screen. */
const tabText = (page: Page, n: number): Promise<string> => consoleTextOf(page, `tcp:client:${n}`)

test('TCP: a new client cancelled while it waited in the backlog keeps its tab and its lines after a reload; Client 1 does not get them', async ({ lab }) => {
  test.setTimeout(60_000)
  await connectedAndQueued(lab, 'second client')
  await lab.getByTestId('client-cancel').click()
  await expect(lab.getByTestId('client-status')).toContainText('cancelled')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain(CANCELLED)

  await lab.reload()
  await expect(lab.getByTestId('client-tab-1')).toBeVisible()
  await expect(lab.getByTestId('client-tab-2')).toBeVisible()
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-status')).toHaveText('cancelled: ready for a new try')
  await expect.poll(() => tabText(lab, 2)).toContain(CANCELLED)
  expect(await tabText(lab, 2)).toContain('second client')
  const first = await tabText(lab, 1)
  expect(first).not.toContain('second client')
  expect(first).not.toContain('Cancelled')
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-status')).toHaveText('connected: type a sentence and send it')
})

test('TCP: a new client that connected and closed keeps its tab, closed, with its lines after a reload', async ({ lab }) => {
  test.setTimeout(60_000)
  await startServer(lab, await freePort())
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-close').click()
  await expect(lab.getByTestId('client-status')).toContainText('not connected')
  await expect.poll(async () => (await logRows(lab)).some((r) => r[6].startsWith('CLOSE'))).toBe(true)
  await expect.poll(() => tabText(lab, 2)).toContain('Connected to server at')

  await lab.reload()
  await expect(lab.getByTestId('client-tab-2')).toBeVisible()
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-status')).toHaveText('closed: not connected')
  await expect.poll(() => tabText(lab, 2)).toContain('Connected to server at')
  expect(await tabText(lab, 1)).not.toContain('Connected to server at')
})

test('TCP: a reload comes back on the client tab it showed', async ({ lab }) => {
  test.setTimeout(60_000)
  await startServer(lab, await freePort())
  // Both clients connected (the iterative server holds the first, the second waits in its backlog): both tabs come back.
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()

  await lab.reload()
  await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'false')
  await expect(lab.getByTestId('client-status')).toHaveText('connected: type a sentence and send it')
})

test("TCP: Client 2's running client comes back in Client 2 though Client 1's stopped, and the window on Client 2", async ({ lab }) => {
  test.setTimeout(60_000)
  await startServer(lab, await freePort())
  // Client 1 connects and closes: its endpoint stops. Client 2 connects and stays connected.
  await lab.getByTestId('client-connect').click()
  await lab.getByTestId('client-close').click()
  await expect(lab.getByTestId('client-status')).toContainText('not connected')
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()

  await lab.reload()
  await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('client-status')).toHaveText('connected: type a sentence and send it')
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-status')).toHaveText('closed: not connected')
  await expect(lab.getByTestId('client-close')).toHaveCount(0)
})

test('TCP: a reload keeps, in each tab, the sentence typed but not sent and the fields as typed; a tab not used yet comes back too', async ({ lab }) => {
  await lab.getByTestId('client-input').fill('first, not sent')
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-port').fill('12345')
  await lab.getByTestId('client-input').fill('second, not sent')
  await lab.getByTestId('client-new').click()

  await lab.reload()
  await expect(lab.getByTestId('client-tab-3')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('client-input')).toHaveValue('')
  await expect(lab.getByTestId('client-port')).toHaveValue('12345')
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-input')).toHaveValue('second, not sent')
  await expect(lab.getByTestId('client-port')).toHaveValue('12345')
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-input')).toHaveValue('first, not sent')
  await expect(lab.getByTestId('client-port')).toHaveValue('12000')
})
