// The end of an HTTP/1.0 reply in the Ladder, in the browser host on a real capture: the client's
// recv() returns b'' when the server's FIN arrives, then the client calls close() once. The
// packet log's row of that read comes from the server to the client and does not say the client
// closed. And in the TCP lab, one close() per side, above its FIN. Each prints how long after its
// close() the FIN left (not asserted: a loaded machine may delay the kernel).

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, logRows, shot, startServer, test } from './fixtures'

/** The ladder's rows top to bottom: what each is, and the time it prints (s). */
function ladderRows(page: Page): Promise<{ text: string; time: number }[]> {
  return page
    .getByTestId('ladder')
    .locator('[data-testid=ladder-arrow], [data-testid=ladder-call]')
    .evaluateAll((items) =>
      items
        .map((g) => ({ text: g.getAttribute('aria-label') ?? '', time: Number(g.querySelector('[data-testid=ladder-time]')?.textContent), y: g.getBoundingClientRect().top }))
        .sort((a, b) => a.y - b.y)
        .map(({ text, time }) => ({ text, time }))
    )
}

test("HTTP lab: the Ladder draws the client's recv() of b'' at the server's FIN, then one close()", async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.getByTestId('lab-http').click()
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })
  await lab.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Reply read in')
  await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).some((r) => r.includes('last ACK')), { timeout: 20_000 }).toBe(true)
  await lab.getByTestId('wire-row').first().click()
  await lab.getByTestId('view-ladder').click()
  await expect(lab.getByTestId('ladder-pick').locator('option:checked')).toContainText(`:${port}`)
  await expect(lab.getByTestId('ladder-alignment')).toHaveText(/^call times aligned to ±[\d,]+ µs$/, { timeout: 20_000 })

  const rows = await ladderRows(lab)
  const texts = rows.map((r) => r.text)
  // How long after the (last) close() call its FIN left, as the ladder prints them: reported, not asserted (a loaded machine delays the kernel's send).
  const fin = rows.find((r) => /^client to server: FIN/.test(r.text))
  const called = rows.findLast((r) => /^client: close\(\)/.test(r.text))
  if (fin && called) console.log(`client close() → its FIN: ${((fin.time - called.time) * 1e6).toFixed(0)} µs`)
  const closes = texts.filter((t) => /^client: close\(\)/.test(t))
  expect(closes, texts.join('\n')).toEqual(['client: close()'])
  const end = texts.indexOf("client: recv() returns b'' (end)")
  expect(end, texts.join('\n')).toBeGreaterThanOrEqual(0)
  // The server's FIN, then the client learns of it, then it closes, and its FIN follows.
  const serverFin = texts.findIndex((t) => /^server to client: FIN/.test(t))
  const clientFin = texts.findIndex((t) => /^client to server: FIN/.test(t))
  expect(serverFin).toBeLessThan(end)
  expect(end).toBeLessThan(texts.indexOf('client: close()'))
  expect(texts.indexOf('client: close()')).toBeLessThan(clientFin)
  await shot(lab, 'ladder-close-http-100')
  await lab.getByTestId('ladder-whole').click()
  await shot(lab, 'ladder-close-http-100-whole')
  await lab.keyboard.press('Escape')
  // At 200% on 1920×1080, the whole ladder (it scales to fit): the end of the reply still readable.
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await lab.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  await shot(lab, 'ladder-close-http-200')
  await lab.getByTestId('ladder-whole').click()
  await shot(lab, 'ladder-close-http-200-whole')
  await lab.keyboard.press('Escape')
  await lab.getByTestId('zoom-reset').click()

  // The packet log: the read of the end of stream comes from the server, and no row of the client says it closed before its own close().
  await lab.getByTestId('view-log').click()
  const log = (await logRows(lab)).filter((r) => r[4] === 'HTTP')
  const eof = log.find((r) => /^RECV .*b''/.test(r[6]))
  expect(eof, log.map((r) => r.join(' | ')).join('\n')).toBeDefined()
  expect(eof![2]).toMatch(new RegExp(`:${port}$`))
  expect(eof![6]).toContain('the server closed the connection (FIN)')
  const clientCloses = log.filter((r) => r[6].startsWith('CLOSE') && r[2].endsWith(`:${port}`) === false && r[3].endsWith(`:${port}`))
  expect(clientCloses.map((r) => r[6]), log.map((r) => r.join(' | ')).join('\n')).toHaveLength(1)
})

test('TCP lab: each close() right above its FIN in the Ladder, one per side', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })
  await exchange(lab, 'hello, world!!!')
  await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).some((r) => r.includes('last ACK')), { timeout: 20_000 }).toBe(true)
  await lab.getByTestId('wire-row').first().click()
  await lab.getByTestId('view-ladder').click()
  await expect(lab.getByTestId('ladder-pick').locator('option:checked')).toContainText(`:${port}`)
  await expect(lab.getByTestId('ladder-alignment')).toHaveText(/^call times aligned to ±[\d,]+ µs$/, { timeout: 20_000 })
  const rows = await ladderRows(lab)
  const texts = rows.map((r) => r.text)
  for (const side of ['client', 'server'] as const) {
    const other = side === 'client' ? 'server' : 'client'
    const closes = texts.filter((t) => t.startsWith(`${side}: close()`))
    expect(closes, texts.join('\n')).toEqual([`${side}: close()`])
    const called = texts.indexOf(`${side}: close()`)
    const fin = texts.findIndex((t) => t.startsWith(`${side} to ${other}: FIN`))
    expect(called, texts.join('\n')).toBeLessThan(fin)
    console.log(`TCP ${side} close() → its FIN: ${((rows[fin].time - rows[called].time) * 1e6).toFixed(0)} µs`)
  }
})
