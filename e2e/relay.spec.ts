// The relay in the window: switched on between the UDP client and server with every reply lost
// (s2c loss 100%), the client's console times out, the packet log shows the drop as a row of its
// own, the relay's console says it, and the counters count it. In English and in Italian, at 100%
// and at 200% (1920×1080), and at 150% on 1280×720.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, consoleTextOf, expect, freePort, logRows, sendFromClient, shot, startServer, test } from './fixtures'

async function relayDropsReplies(lab: Page, port: number, relayPort: number): Promise<void> {
  await lab.getByTestId('lab-udp').click()
  await startServer(lab, port)
  await lab.getByTestId('relay-show').click()
  await lab.getByTestId('relay-port').fill(String(relayPort))
  await lab.getByTestId('relay-seed').fill('17')
  await lab.getByTestId('relay-s2c-loss').fill('100')
  await lab.getByTestId('relay-start').click()
  await expect(lab.getByTestId('relay-status')).toContainText(`:${relayPort}`)
  // The client's port follows the relay's.
  await expect(lab.getByTestId('client-port')).toHaveValue(String(relayPort))
  await lab.getByTestId('client-timeout').fill('1')
}

test('UDP lab: a relay that drops every reply; the client times out, the log shows the drop row', async ({ lab }) => {
  test.setTimeout(60_000)
  const port = await freePort()
  const relayPort = await freePort()
  await relayDropsReplies(lab, port, relayPort)
  await expect(lab.getByTestId('relay-note')).toContainText(`The clients' port follows the relay's (${relayPort})`)
  await sendFromClient(lab, 'hello relay')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toMatch(new RegExp(`ERROR: no reply from .*${relayPort}.* within 1 s`))
  await expect.poll(() => consoleTextOf(lab, 'udp:relay')).toContain('server → client #1: datagram 1 (11 B) dropped on purpose, seed 17')
  await expect(lab.getByTestId('relay-count-s2c')).toHaveText('server → client: forwarded 0, dropped 1, duplicated 0, delayed 0')
  await expect(lab.getByTestId('relay-count-c2s')).toHaveText('client → server: forwarded 1, dropped 0, duplicated 0, delayed 0')
  const rows = await logRows(lab)
  const drop = rows.find((r) => r[6].startsWith('DROP'))
  expect(drop, rows.map((r) => r.join(' | ')).join('\n')).toBeDefined()
  expect(drop![2]).toBe(`127.0.0.1:${port}`)
  expect(drop![6]).toBe('DROP server → client #1: datagram 1 (11 B) dropped on purpose, seed 17')
  await shot(lab, 'relay-udp-drop')
})

for (const [lang, w, h, zoom] of [
  ['en', 1920, 1080, 2],
  ['it', 1920, 1080, 1],
  ['it', 1920, 1080, 2],
  ['it', 1280, 720, 1.5]
] as const) {
  test.describe(`${lang} ${w}×${h} at ${zoom * 100}%`, () => {
    test.use({ lang, viewport: { width: w, height: h } })
    test('the relay panel fits and reads whole', async ({ lab }) => {
      test.setTimeout(60_000)
      const label = `${zoom * 100}%`
      await lab.getByTestId('zoom-reset').click()
      for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== label; i++) await lab.getByTestId('zoom-in').click()
      await expect(lab.getByTestId('zoom-reset')).toHaveText(label)
      const port = await freePort()
      const relayPort = await freePort()
      await lab.getByTestId('lab-udp').click()
      await startServer(lab, port)
      await lab.getByTestId('relay-show').click()
      await lab.getByTestId('relay-port').fill(String(relayPort))
      await lab.getByTestId('relay-s2c-loss').fill('100')
      await lab.getByTestId('relay-start').click()
      await expect(lab.getByTestId('relay-status')).toContainText(`:${relayPort}`)
      await lab.getByTestId('client-timeout').fill('1')
      await sendFromClient(lab, 'ciao relay')
      await expect.poll(async () => (await logRows(lab)).some((r) => r[6].startsWith('DROP')), { timeout: 10_000 }).toBe(true)
      await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('ERROR')
      // No page scroll.
      const scroll = await lab.evaluate(() => ({ h: document.documentElement.scrollHeight - window.innerHeight, w: document.documentElement.scrollWidth - window.innerWidth }))
      expect(scroll.w).toBeLessThanOrEqual(0)
      await shot(lab, `relay-udp-drop-${lang}-${w}x${h}-${zoom * 100}`)
    })
  })
}
