// The window's own words in Italian and English: the IT / EN switch words the whole window again at
// once, and nothing the student has on screen is lost (a running server, the consoles' lines, a
// selected row, the filters, the view, a sentence typed and not sent). The window's own notes in
// the consoles come in the language of the moment; the course programs' lines never change.

import en from '../src/shared/i18n/locales/en/lab.json'
import it from '../src/shared/i18n/locales/it/lab.json'
import enLog from '../src/shared/i18n/locales/en/log.json'
import itLog from '../src/shared/i18n/locales/it/log.json'
import itWire from '../src/shared/i18n/locales/it/wire.json'
import { clientConsole, consoleText, exchange, expect, freePort, serverConsole, shot, startServer, test } from './fixtures'

test('IT / EN switches every word of the window at once, and keeps the server, the consoles, the selected row, the filters, the view and the draft', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await startServer(lab, port)
  await exchange(lab, 'before the switch')
  await lab.getByTestId('log-filter-text').fill('switch')
  await expect(lab.getByTestId('log-row').first()).toBeVisible()
  await lab.getByTestId('log-row').first().click()
  const selected = await lab.locator('[data-testid=log-row][aria-selected=true]').getAttribute('id')
  await lab.getByTestId('client-input').fill('not sent yet')
  const before = await consoleText(clientConsole(lab))
  await expect(lab.getByTestId('server-start')).toHaveCount(0)
  await expect(lab.getByTestId('server-stop')).toHaveText(en.server.stop)

  await lab.getByTestId('lang-it').click()
  // The window's words, in Italian.
  await expect(lab.getByTestId('server-stop')).toHaveText(it.server.stop)
  await expect(lab.getByTestId('client-send')).toHaveText(it.client.send)
  await expect(lab.getByTestId('view-log')).toHaveText(it.views.log)
  await expect(lab.getByTestId('log-pause')).toHaveText(itLog.toolbar.pause)
  await expect(lab.getByRole('columnheader', { name: itLog.columns.source })).toBeVisible()
  await expect(lab.locator('html')).toHaveAttribute('lang', 'it')
  // Nothing lost: the server runs on, the console keeps its lines, the row, the filter and the draft stay.
  await expect(lab.getByTestId('server-status')).toContainText(`:${port}`)
  expect(await consoleText(clientConsole(lab))).toBe(before)
  await expect(lab.getByTestId('log-filter-text')).toHaveValue('switch')
  await expect(lab.locator('[data-testid=log-row][aria-selected=true]')).toHaveAttribute('id', selected!)
  await expect(lab.getByTestId('client-input')).toHaveValue('not sent yet')
  await expect(lab.getByTestId('view-log')).toHaveAttribute('aria-selected', 'true')
  await shot(lab, 'language-it-100')

  // A note written now comes in Italian; the course's lines stay the course's.
  await lab.getByTestId('client-input').fill('in italiano')
  await lab.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Received reply <IN ITALIANO>')
  await lab.getByTestId('server-stop').click()
  await expect.poll(() => consoleText(serverConsole(lab))).toContain(it.note.serverStopped)
  await expect(lab.getByTestId('server-start')).toHaveText(it.server.start)
  await lab.setViewportSize({ width: 1920, height: 1080 })
  for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  expect(await lab.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight && document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true)
  await shot(lab, 'language-it-200')

  // And back: English again, the Italian note stays as it was written (xterm keeps characters), new ones in English.
  await lab.getByTestId('lang-en').click()
  await expect(lab.getByTestId('server-start')).toHaveText(en.server.start)
  await expect(lab.getByTestId('log-pause')).toHaveText(enLog.toolbar.pause)
  await expect(lab.getByTestId('log-filter-text')).toHaveValue('switch')
  await startServer(lab, port)
  await lab.getByTestId('server-stop').click()
  await expect.poll(() => consoleText(serverConsole(lab))).toContain(en.note.serverStopped)
  expect(await consoleText(serverConsole(lab))).toContain(it.note.serverStopped)
})

test('an Italian window says its refusals in Italian, in the console and next to the fields, and another window in English words the same note in English', async ({ lab, host }) => {
  await lab.goto(`${host.url}&lang=it`)
  await expect(lab.getByTestId('host-info')).toContainText(it.header.browser)
  const port = await freePort()
  await startServer(lab, port)
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-send').click()
  await expect(lab.getByTestId('client-problem')).toHaveText(it.problem.emptySentence)
  await expect.poll(() => consoleText(clientConsole(lab))).toContain(`ERROR: ${it.problem.emptySentence}`)
  // The line travels as its key: a window in English shows it in English.
  const other = await lab.context().newPage()
  await other.goto(`${host.url}&lang=en`)
  await expect(other.getByTestId('server-status')).toContainText(`:${port}`)
  await expect.poll(() => consoleText(clientConsole(other)), { timeout: 10_000 }).toContain(`ERROR: ${en.problem.emptySentence}`)
  await other.close()
})

test('a bad port in an Italian window is refused in Italian, next to the field and in the console, after the prefix ERROR: as the course prints it', async ({ lab, host }) => {
  await lab.goto(`${host.url}&lang=it`)
  await expect(lab.getByTestId('host-info')).toContainText(it.header.browser)
  const rule = itWire.field.mustBe.replace('{{label}}', itWire.field.label.port).replace('{{rule}}', itWire.field.rule.integerIn.replace('{{min}}', '1024').replace('{{max}}', '65535'))
  await lab.getByTestId('server-port').fill('80')
  await lab.getByTestId('server-start').click()
  await expect(lab.getByTestId('server-problem')).toHaveText(rule)
  await expect.poll(() => consoleText(serverConsole(lab))).toContain(`ERROR: ${rule}`)
  await lab.getByTestId('client-port').fill('80')
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-problem')).toHaveText(rule)
  await expect.poll(() => consoleText(clientConsole(lab))).toContain(`ERROR: ${rule}`)
  for (const text of [await consoleText(serverConsole(lab)), await consoleText(clientConsole(lab))]) {
    expect(text).not.toContain('Port must be')
    expect(text).not.toContain('ERRORE')
  }
})
