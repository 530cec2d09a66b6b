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
  // The endpoint filter lists the relay.
  await expect(lab.getByTestId('log-filter-endpoint').locator('option', { hasText: 'UDP Relay' })).toHaveCount(1)
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

test('Ladder: with the relay between client and server, three lines, each datagram on its leg, the delay on the relay line', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  const relayPort = await freePort()
  await lab.getByTestId('lab-udp').click()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await lab.getByTestId('relay-show').click()
  await lab.getByTestId('relay-port').fill(String(relayPort))
  await lab.getByTestId('relay-s2c-delay').fill('40')
  await lab.getByTestId('relay-start').click()
  await expect(lab.getByTestId('relay-status')).toContainText(`:${relayPort}`)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${relayPort}\\b`), { timeout: 20_000 })
  await sendFromClient(lab, 'via relay')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('VIA RELAY\nInput')
  // Four datagrams captured: client → relay → server → relay → client.
  await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4)
  await lab.getByTestId('view-ladder').click()
  const pick = lab.getByTestId('ladder-pick')
  const client = await pick.locator('option').evaluateAll((os, p) => os.map((o) => (o as HTMLOptionElement).value).find((v, i) => os[i].textContent?.includes(`:${p}`)), relayPort)
  if (client) await pick.selectOption(client)
  const ends = lab.getByTestId('ladder').locator('text.ladder-end')
  await expect(ends).toHaveCount(3, { timeout: 10_000 })
  await expect(ends.nth(1)).toHaveText('UDP Relay')
  const arrows = lab.getByTestId('ladder-arrow')
  await expect(arrows).toHaveCount(4)
  const names = await arrows.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label') ?? ''))
  expect(names.map((n) => n.split(':')[0])).toEqual(['client to relay', 'relay to server', 'server to relay', 'relay to client'])
  const calls = await lab.getByTestId('ladder-call').evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''))
  expect(calls.some((c) => /^relay: held [\d.,]+ ms$/.test(c)), calls.join('\n')).toBe(true)
  await shot(lab, 'ladder-relay')
})

test.describe('Ladder with a relay, in Italian at 200% on 1920×1080', () => {
  test.use({ lang: 'it', viewport: { width: 1920, height: 1080 } })
  test('three lines, readable', async ({ lab }) => {
    test.setTimeout(90_000)
    const port = await freePort()
    const relayPort = await freePort()
    await lab.getByTestId('lab-udp').click()
    await lab.getByTestId('view-wire').click()
    await startServer(lab, port)
    await lab.getByTestId('relay-show').click()
    await lab.getByTestId('relay-port').fill(String(relayPort))
    await lab.getByTestId('relay-c2s-delay').fill('30')
    await lab.getByTestId('relay-start').click()
    await expect(lab.getByTestId('relay-status')).toContainText(`:${relayPort}`)
    await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`\\b${relayPort}\\b`), { timeout: 20_000 })
    await sendFromClient(lab, 'ciao')
    await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('CIAO\nInput')
    await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4)
    await lab.getByTestId('zoom-reset').click()
    for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await lab.getByTestId('zoom-in').click()
    await lab.getByTestId('view-ladder').click()
    const pick = lab.getByTestId('ladder-pick')
    const client = await pick.locator('option').evaluateAll((os, p) => os.map((o) => (o as HTMLOptionElement).value).find((v, i) => os[i].textContent?.includes(`:${p}`)), relayPort)
    if (client) await pick.selectOption(client)
    await expect(lab.getByTestId('ladder').locator('text.ladder-end')).toHaveCount(3, { timeout: 10_000 })
    await lab.getByTestId('ladder-whole').click()
    await shot(lab, 'ladder-relay-it-200')
  })
})
