import type { Page } from '@playwright/test'
import { clientConsole, consoleText, expect, freePort, sendFromClient, shot, startServer, test } from './fixtures'
async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}
test('shots', async ({ lab }) => {
  await startServer(lab, await freePort())
  await sendFromClient(lab, `${'a'.repeat(30)}è`)
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Connection closed')
  await shot(lab, 'tmp-utf8-100')
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await zoomTo(lab, '200%')
  await shot(lab, 'tmp-utf8-200')
})
