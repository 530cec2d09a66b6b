// The README's picture of the lab window, made the way a student would see it: the course's
// port 12000, "hello world", the client's write selected and dumped in hex. It binds a fixed port,
// so it runs only when asked (SOCKLAB_README_SHOT=1 npx playwright test e2e/readme-screenshot.spec.ts)
// and stops, saying why, if 12000 is taken. It also makes the pictures of the wire views (docs/wire-view.png,
// docs/ladder.png, docs/sockets.png).

import net from 'node:net'
import path from 'node:path'
import { clientConsole, consoleText, expect, logRows, ROOT, sendFromClient, startServer, test } from './fixtures'

const COURSE_PORT = 12000
const asked = process.env.SOCKLAB_README_SHOT === '1'
test.skip(!asked, 'makes the README pictures in docs/ on the course port 12000: run with SOCKLAB_README_SHOT=1')

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen({ host: '0.0.0.0', port }, () => s.close(() => resolve(true)))
  })
}

test('README screenshot: the TCP lab on port 12000', async ({ lab }) => {
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  await startServer(lab, COURSE_PORT)
  await expect(lab.getByTestId('client-port')).toHaveValue(String(COURSE_PORT))
  await sendFromClient(lab, 'hello world')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <HELLO WORLD>')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).first().click()
  await expect(lab.getByTestId('log-hex')).toContainText('hello world')
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'main-window.png') })
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})

test('README screenshots: the wire view, the ladder and the sockets of one exchange on port 12000', async ({ lab }) => {
  test.setTimeout(90_000)
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  // A taller lower half, as a student drags it to read a ladder.
  await lab.evaluate(() => localStorage.setItem('socklab.logSize', '0.62'))
  await lab.reload()
  await lab.getByTestId('view-wire').click()
  await expect(lab.getByTestId('capture-status')).toContainText('Capturing', { timeout: 20_000 })
  await startServer(lab, COURSE_PORT)
  await expect(lab.getByTestId('capture-status')).toContainText(`Capturing port ${COURSE_PORT}`, { timeout: 20_000 })
  await sendFromClient(lab, 'hello world')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <HELLO WORLD>')
  await expect(lab.getByTestId('wire-row').filter({ hasText: 'last ACK' })).toBeVisible({ timeout: 15_000 })
  await lab.getByTestId('wire-row').filter({ hasText: 'len=11' }).first().click()
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'wire-view.png') })
  await lab.getByTestId('view-ladder').click()
  await lab.getByTestId('ladder-arrow').filter({ hasText: 'len=11' }).first().click()
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'ladder.png') })
  await lab.getByTestId('view-sockets').click()
  await expect(lab.locator('[data-testid=kernel-socket][data-state=TIME_WAIT]').first()).toBeVisible({ timeout: 10_000 })
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'sockets.png') })
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})

test('README screenshot: the Pinger lab on port 12000, the textbook’s loss, 10 pings and the RTT plot', async ({ lab }) => {
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  await lab.getByTestId('lab-ping').click()
  // The textbook's rule (randint(0, 10) < 4), with a seed that loses a few of the 10.
  await lab.getByTestId('ping-seed').fill('2024')
  await startServer(lab, COURSE_PORT)
  await lab.getByTestId('client-send').click()
  await expect(lab.getByTestId('ping-loss')).toHaveAttribute('data-sent', '10', { timeout: 30_000 })
  await expect(lab.locator('[data-testid=ping-mark][data-lost=true]').first()).toBeVisible()
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'pinger.png') })
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})

test('README screenshot: the UDP lab with the relay between client and server dropping the reply', async ({ lab }) => {
  test.setTimeout(60_000)
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  expect(await portIsFree(COURSE_PORT + 1), `port ${COURSE_PORT + 1} is in use: stop what holds it and run again`).toBe(true)
  await lab.getByTestId('lab-udp').click()
  await startServer(lab, COURSE_PORT)
  await lab.getByTestId('relay-show').click()
  await lab.getByTestId('relay-port').fill(String(COURSE_PORT + 1))
  await lab.getByTestId('relay-seed').fill('17')
  await lab.getByTestId('relay-s2c-loss').fill('100')
  await lab.getByTestId('relay-start').click()
  await expect(lab.getByTestId('client-port')).toHaveValue(String(COURSE_PORT + 1))
  await lab.getByTestId('client-timeout').fill('1')
  await sendFromClient(lab, 'hello world')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('ERROR: no reply')
  await expect.poll(async () => (await logRows(lab)).some((r) => r[6].startsWith('DROP'))).toBe(true)
  await lab.getByTestId('log-row').filter({ hasText: 'DROP' }).first().click()
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'relay.png') })
  await lab.getByTestId('relay-stop').click()
  await lab.getByTestId('server-stop').click()
})
