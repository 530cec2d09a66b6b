// The end of an HTTP/1.0 reply in the Ladder, in the browser host on a real capture: the client's
// recv() returns b'' when the server's FIN arrives, then the client calls close() once. The
// packet log's row of that read comes from the server to the client and does not say the client
// closed.

import { clientConsole, consoleText, expect, freePort, logRows, shot, startServer, test } from './fixtures'

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
  await expect(lab.getByTestId('ladder-alignment')).toHaveText(/^call times aligned to ±\d+ µs$/, { timeout: 20_000 })

  const rows = await lab
    .getByTestId('ladder')
    .locator('[data-testid=ladder-arrow], [data-testid=ladder-call]')
    .evaluateAll((items) =>
      items
        .map((g) => ({ text: g.getAttribute('aria-label') ?? '', time: Number(g.querySelector('[data-testid=ladder-time]')?.textContent), y: g.getBoundingClientRect().top }))
        .sort((a, b) => a.y - b.y)
    )
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
  await shot(lab, 'ladder-close-http')

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
