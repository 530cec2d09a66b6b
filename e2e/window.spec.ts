// The window as a whole: what a reload keeps, how it holds up on a small projector screen at a
// large zoom, and what it says on a machine without IPv6.

import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, serverConsole, startServer, test } from './fixtures'

test('a reload replays what the host still holds, once, and shows the running server', async ({ lab }) => {
  const port = await freePort()
  await startServer(lab, port)
  await sendFromClient(lab, 'before reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <BEFORE RELOAD>')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  const before = (await logRows(lab)).map((r) => r[0])

  await lab.reload()
  await expect(lab.getByTestId('server-status')).toHaveText(`listening on 0.0.0.0:${port}`)
  await expect.poll(async () => (await logRows(lab)).map((r) => r[0])).toEqual(before)
  await expect.poll(() => consoleText(serverConsole(lab))).toContain(`Sent reply to (127.0.0.1, `)
  expect(await consoleText(clientConsole(lab))).toContain('Received reply <BEFORE RELOAD>')

  // The lab goes on from there: the same server answers, and the stop button stops it.
  await sendFromClient(lab, 'after reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <AFTER RELOAD>')
  const seqs = (await logRows(lab)).map((r) => Number(r[0]))
  expect(new Set(seqs).size).toBe(seqs.length)
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})

test('at 200% on a 1280×720 projector nothing overlaps; the splitter resizes the log and is remembered', async ({ lab }) => {
  await lab.setViewportSize({ width: 1280, height: 720 })
  for (let i = 0; i < 5; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  const box = async (testId: string): Promise<{ top: number; bottom: number; height: number }> => {
    const b = (await lab.getByTestId(testId).boundingBox())!
    return { top: b.y, bottom: b.y + b.height, height: b.height }
  }
  for (const panel of ['client-panel', 'server-panel']) {
    expect((await box(panel)).bottom, `${panel} runs into the splitter`).toBeLessThanOrEqual((await box('log-splitter')).top + 1)
  }
  expect((await box('log-splitter')).bottom).toBeLessThanOrEqual((await box('packet-log')).top + 1)
  for (const c of [clientConsole(lab), serverConsole(lab)]) expect((await c.boundingBox())!.height).toBeGreaterThan(150)
  expect((await box('log-body')).height).toBeGreaterThan(100)
  await lab.getByTestId('zoom-reset').click()

  // Keyboard: the splitter is a focusable separator; each ArrowUp gives the log 5% more.
  const splitter = lab.getByTestId('log-splitter')
  await expect(splitter).toHaveAttribute('aria-valuenow', '42')
  const logBefore = (await box('packet-log')).height
  await splitter.focus()
  await lab.keyboard.press('ArrowUp')
  await lab.keyboard.press('ArrowUp')
  await expect(splitter).toHaveAttribute('aria-valuenow', '52')
  expect((await box('packet-log')).height).toBeGreaterThan(logBefore + 0.08 * 720)
  await lab.reload()
  await expect(lab.getByTestId('log-splitter')).toHaveAttribute('aria-valuenow', '52')
  // Dragging works too: pulled down to the bottom, the log keeps its smallest size.
  const s = (await lab.getByTestId('log-splitter').boundingBox())!
  await lab.mouse.move(s.x + s.width / 2, s.y + s.height / 2)
  await lab.mouse.down()
  await lab.mouse.move(s.x + s.width / 2, 715, { steps: 4 })
  await lab.mouse.up()
  await expect(lab.getByTestId('log-splitter')).toHaveAttribute('aria-valuenow', '20')
})

test('without an IPv6 loopback the IPv6 toggle is disabled and says why', async ({ page, host }) => {
  // Play a machine without ::1: the host's hostInfo reply says ipv6: false.
  await page.addInitScript(() => {
    const parse = JSON.parse
    JSON.parse = function (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
      const value = parse.call(JSON, text, reviver)
      const info = value?.reply?.value
      if (info && typeof info === 'object' && 'ipv6' in info) info.ipv6 = false
      return value
    }
  })
  await page.goto(host.url)
  const v6 = page.getByTestId('family-IPv6')
  await expect(v6).toBeDisabled()
  await expect(v6).toHaveAttribute('title', /no IPv6 loopback/)
  await expect(page.getByTestId('family-IPv4')).toHaveAttribute('aria-pressed', 'true')
})
