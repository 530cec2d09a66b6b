// What a course needs on a projector and across a reload: the wire view and the packet log read
// whole at 150–200% (IPv4 told from IPv6, who closed), the IPv4/IPv6 switch says what the client
// tabs use after a reload, and "+ New client" stays reachable however many tabs the lab has.

import type { Page } from '@playwright/test'
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
