// The log's Info and the consoles' errors are worded in the window's language from the events'
// data; the course programs' own lines stay as the programs print them. A switch of language
// rewords the rows at once, and the log's text filter searches the words shown.

import path from 'node:path'
import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, startServer, test } from './fixtures'

test('in Italian: the log says each event in Italian, the course lines stay the programs’ own, and a refused connection is said in Italian', async ({ page, host }) => {
  await page.goto(`${host.url}&lang=it`)
  await expect(page.getByTestId('lang-it')).toHaveAttribute('aria-pressed', 'true')
  const port = await freePort()
  await startServer(page, port)
  await sendFromClient(page, 'hello world')
  await expect.poll(() => consoleText(clientConsole(page))).toContain('Received reply <HELLO WORLD>')
  expect(await consoleText(clientConsole(page))).toContain(`Connected to server at (127.0.0.1, ${port})`)

  const info = async (): Promise<string[]> => (await logRows(page)).map((r) => r[6])
  await expect.poll(async () => (await info()).filter((w) => w === 'SEND scritti 11 byte nello stream').length).toBe(2)
  expect(await info()).toContain(`LISTEN in ascolto su (0.0.0.0, ${port}), iterativo, recv(1024)`)
  expect((await info()).some((w) => /wrote|bytes|connection/.test(w))).toBe(false)
  await page.screenshot({ path: path.join(__dirname, 'screenshots', 'log-italian.png') })

  // The filter searches the words shown: Italian now, English once switched.
  await page.getByTestId('log-filter-text').fill('scritti 11 byte')
  await expect(page.getByTestId('log-row')).toHaveCount(2)
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('log-row')).toHaveCount(0)
  await page.getByTestId('log-filter-text').fill('wrote 11 bytes')
  await expect(page.getByTestId('log-row')).toHaveCount(2)
  await page.getByTestId('log-filter-text').fill('')
  expect(await info()).toContain(`LISTEN listening on (0.0.0.0, ${port}), iterative, recv(1024)`)

  // A refused connection, in the language of the window when it happens.
  await page.getByTestId('lang-it').click()
  const closed = await freePort()
  await page.getByTestId('client-port').fill(String(closed))
  await sendFromClient(page, 'anyone there')
  await expect.poll(() => consoleText(clientConsole(page))).toContain(`ERROR: connessione rifiutata da (127.0.0.1, ${closed}): nessun server è in ascolto lì`)
  await expect.poll(async () => (await info()).filter((w) => w.startsWith('ERROR connessione rifiutata da')).length).toBe(1)
})
