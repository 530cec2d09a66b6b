// The capture's bounds as the window tells them (issue 15), on a real capture in the browser host:
// after a flood tshark cannot keep up with, the Wire view goes on with the newest packets and says
// how many it skipped, at 100% and at 200% on 1920×1080.

import { spawn } from 'node:child_process'
import { expect, freePort, shot, startServer, test } from './fixtures'

/** python3 sends `count` datagrams of 20 bytes to the port as fast as it can, and ends (at most 60 s). */
function flood(port: number, count: number): Promise<void> {
  const script = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])): s.sendto(b'f' * 20, ('127.0.0.1', int(sys.argv[1])))
`
  const child = spawn('python3', ['-c', script, String(port), String(count)], { stdio: 'ignore' })
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000)
  return new Promise((resolve) =>
    child.once('exit', () => {
      clearTimeout(limit)
      resolve()
    })
  )
}

test('after a flood, the Wire view shows the newest packets and says how many it skipped, whole at 100% and on hover at 200%', async ({ lab }) => {
  test.setTimeout(150_000)
  await lab.setViewportSize({ width: 1920, height: 1080 })
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  const status = lab.getByTestId('capture-status')
  await expect(status).toContainText(new RegExp(`Capturing port ${port}\\b`), { timeout: 30_000 })
  await flood(port, 600_000)
  await expect(status).toContainText(/[\d,]+ skipped to catch up with a flood \(not in the export\)/, { timeout: 60_000 })
  await shot(lab, 'wire-skipped-100')
  // At 100% the words are whole.
  expect(await status.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
  for (let i = 0; i < 5 && (await lab.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  await shot(lab, 'wire-skipped-200')
  expect(await status.getAttribute('title')).toMatch(/skipped to catch up with a flood/)
  const page = await lab.evaluate(() => ({ scroll: document.documentElement.scrollHeight, inner: innerHeight, scrollW: document.documentElement.scrollWidth, innerW: innerWidth }))
  expect(page.scroll).toBeLessThanOrEqual(page.inner)
  expect(page.scrollW).toBeLessThanOrEqual(page.innerW)
})
