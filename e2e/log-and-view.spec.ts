import fs from 'node:fs'
import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, shot, startServer, test } from './fixtures'

test('packet log: filter, hex dump, pause, clear, export JSON and CSV', async ({ lab }) => {
  const port = await freePort()
  await startServer(lab, port)
  await sendFromClient(lab, 'hello world')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <HELLO WORLD>')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('SEND')).length).toBe(2)

  // Selecting the client's write shows its bytes.
  const send = lab.getByTestId('log-row').filter({ hasText: 'SEND' }).first()
  await send.click()
  await expect(lab.getByTestId('log-hex')).toContainText('68 65 6c 6c 6f 20 77 6f  72 6c 64')
  await expect(lab.getByTestId('log-hex')).toContainText('hello world')
  await shot(lab, 'main-window')
  // Keyboard: the next row is the server's read of the same bytes.
  await lab.getByTestId('log-body').press('ArrowDown')
  await expect(lab.getByTestId('log-details')).toContainText('recv')
  await expect(lab.getByTestId('log-body')).toHaveAttribute('aria-activedescendant', /^log-row-\d+$/)
  await lab.getByTestId('log-body').press('Escape')
  await expect(lab.getByTestId('log-details')).toHaveText('Select a row to see its bytes.')

  // Filters: by endpoint, by protocol, by text.
  await lab.getByTestId('log-filter-endpoint').selectOption({ label: 'TCP Server' })
  for (const r of await logRows(lab)) expect(r[6]).not.toContain('three-way handshake')
  await lab.getByTestId('log-filter-endpoint').selectOption('all')
  await lab.getByTestId('log-filter-proto').selectOption('UDP')
  await expect(lab.getByTestId('log-row')).toHaveCount(0)
  await lab.getByTestId('log-filter-proto').selectOption('all')
  await lab.getByTestId('log-filter-text').fill('handshake')
  await expect(lab.getByTestId('log-row')).toHaveCount(1)
  await lab.getByTestId('log-filter-text').fill('')

  // Export what is shown.
  const [json] = await Promise.all([lab.waitForEvent('download'), lab.getByTestId('log-export-json').click()])
  const events = JSON.parse(fs.readFileSync((await json.path())!, 'utf8'))
  expect(events.filter((e: { kind: string }) => e.kind === 'send').map((e: { length: number }) => e.length)).toEqual([11, 11])
  const [csv] = await Promise.all([lab.waitForEvent('download'), lab.getByTestId('log-export-csv').click()])
  const lines = fs.readFileSync((await csv.path())!, 'utf8').trim().split('\r\n')
  expect(lines[0]).toBe('no,time_s,source,destination,protocol,length,endpoint,event,info,payload_base64')
  expect(lines.length).toBe(events.length + 1)
  expect(lines.some((l) => l.includes(',send,') && l.endsWith(',aGVsbG8gd29ybGQ='))).toBe(true)

  // Pause holds the view; events keep arriving and are shown on resume.
  const before = (await logRows(lab)).length
  await lab.getByTestId('log-pause').click()
  await sendFromClient(lab, 'while paused')
  await expect(lab.getByTestId('log-count')).toContainText('paused')
  expect((await logRows(lab)).length).toBe(before)
  await lab.getByTestId('log-pause').click()
  await expect.poll(async () => (await logRows(lab)).length).toBeGreaterThan(before)

  await lab.getByTestId('log-clear').click()
  await expect(lab.getByTestId('log-row')).toHaveCount(0)
  await expect(lab.getByTestId('log-count')).toContainText('0 events')
})

test('zoom with Ctrl +/− persists, high contrast, every control named, no text under 12 px', async ({ lab }) => {
  const size = (): Promise<number> => lab.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
  expect(await size()).toBe(16)

  // Nothing visible is smaller than 12 px at the default zoom.
  const small = await lab.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.offsetParent !== null && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()))
      .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 12)
      .map((el) => `${el.tagName}.${el.className}: ${getComputedStyle(el).fontSize}`)
  )
  expect(small).toEqual([])

  // Every button, input and select has an accessible name.
  for (const role of ['button', 'textbox', 'combobox', 'checkbox', 'tab', 'searchbox'] as const) {
    for (const el of await lab.getByRole(role).all()) {
      if (!(await el.isVisible())) continue
      const name = await el.evaluate((e) => (e as HTMLElement).getAttribute('aria-label') ?? (e as HTMLInputElement).labels?.[0]?.textContent ?? e.textContent)
      expect(name?.trim(), `${role} without a name`).toBeTruthy()
    }
  }

  // The keyboard reaches everything and is trapped nowhere: Tab leaves a console for the next control.
  await lab.getByTestId('client-send').focus()
  await lab.keyboard.press('Tab')
  await expect(clientConsole(lab).locator('textarea')).toBeFocused()
  // Then the relay's bar, between client and server as on screen, then the server.
  await lab.keyboard.press('Tab')
  await expect(lab.getByTestId('relay-show')).toBeFocused()
  await lab.keyboard.press('Tab')
  await expect(lab.getByTestId('server-start')).toBeFocused()
  await lab.keyboard.press('Shift+Tab')
  await lab.keyboard.press('Shift+Tab')
  await lab.keyboard.press('Shift+Tab')
  await expect(lab.getByTestId('client-send')).toBeFocused()

  await lab.getByTestId('lab-tcp').focus()
  await lab.keyboard.press('Control+=')
  await lab.keyboard.press('Control+=')
  expect(await size()).toBeCloseTo(16 * 1.25, 1)
  await lab.reload()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('125%')
  expect(await size()).toBeCloseTo(20, 1)
  await lab.keyboard.press('Control+-')
  await expect(lab.getByTestId('zoom-reset')).toHaveText('110%')
  await lab.keyboard.press('Control+0')
  await expect(lab.getByTestId('zoom-reset')).toHaveText('100%')

  await lab.getByTestId('theme-contrast').click()
  await expect(lab.locator('html')).toHaveAttribute('data-theme', 'contrast')
  const port = await freePort()
  await startServer(lab, port)
  await sendFromClient(lab, 'projector')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <PROJECTOR>')
  await shot(lab, 'tcp-high-contrast')
  await lab.reload()
  await expect(lab.locator('html')).toHaveAttribute('data-theme', 'contrast')
  await lab.getByTestId('theme-contrast').click()
})

test('the host refuses a page opened without its token', async ({ page, host }) => {
  const url = new URL(host.url)
  url.search = ''
  await page.goto(url.toString())
  await expect(page.getByRole('alert')).toContainText('cannot reach the socklab host')
})
