// What the consoles say, said once and kept: the window's own lines (a refusal, "Server stopped",
// "Cancelled") come back after a reload and show in a second window too; an error shows once, also
// when the machine is so loaded that its event reaches the window long after the failed call's reply.

import net from 'node:net'
import type { Page } from '@playwright/test'
import { clientConsole, consoleText, eventsLate, expect, freePort, sendFromClient, serverConsole, startServer, test } from './fixtures'

// Each test runs several exchanges and reloads: room for a loaded machine.
test.describe.configure({ timeout: 120_000 })

/** How many times `part` occurs in `text`. */
const occurrences = (text: string, part: string): number => text.split(part).length - 1

/** Waits until console text has `part`, then says how many times it has it. */
async function shownTimes(console: ReturnType<typeof serverConsole>, part: string): Promise<number> {
  await expect.poll(() => consoleText(console), { timeout: 10_000 }).toContain(part)
  return occurrences(await consoleText(console), part)
}

/** A server that takes connections and never answers, as a broken student server would. */
async function silentServer(): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined)
    socket.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() }
}

test('a refusal, "Server stopped" and "Cancelled" come back after a reload, once each, and a second window shows them', async ({ lab, host }) => {
  const second = await lab.context().newPage()
  await second.goto(host.url)
  await expect(second.getByTestId('host-info')).toContainText('browser host')
  const silent = await silentServer()
  try {
    await startServer(lab, await freePort())
    await sendFromClient(lab, '')
    await expect(lab.getByTestId('client-problem')).toHaveText(/^Type a sentence first/)
    await lab.getByTestId('server-stop').click()
    await expect(lab.getByTestId('server-status')).toHaveText('stopped')
    await lab.getByTestId('client-port').fill(String(silent.port))
    await sendFromClient(lab, 'hello?')
    await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
    await lab.getByTestId('client-cancel').click()
    await expect(lab.getByTestId('client-status')).toContainText('cancelled')

    const lines: [(page: Page) => ReturnType<typeof serverConsole>, string][] = [
      [clientConsole, 'ERROR: Type a sentence first'],
      [serverConsole, 'Server stopped: the port is free again.'],
      [clientConsole, 'Cancelled: the client stopped waiting'],
      [clientConsole, 'Input lowercase sentence: hello?']
    ]
    // The second window, open all along, shows the client that was cancelled in a tab it adopted it in.
    for (const [i, [console, line]] of lines.entries()) {
      await second.getByTestId(i < 2 ? 'client-tab-1' : 'client-tab-2').click()
      expect(await shownTimes(console(second), line), `the second window shows <${line}> once`).toBe(1)
    }
    await lab.reload()
    await expect(lab.getByTestId('host-info')).toContainText('browser host')
    for (const [console, line] of lines) expect(await shownTimes(console(lab), line), `after a reload <${line}> shows once`).toBe(1)
  } finally {
    silent.close()
  }
})

test('an error shows once, also when its event comes long after the reply, and after a reload: connection refused, a port in use, a UDP timeout', async ({ lab }) => {
  // A loaded machine: the events reach the window long after the failed call's reply.
  await eventsLate(lab)

  // TCP: connection refused; then a server on that port, and an exchange whose lines come after.
  const port = await freePort()
  await lab.getByTestId('client-port').fill(String(port))
  await sendFromClient(lab, 'anyone there')
  const refused = `ERROR: connection refused by (127.0.0.1, ${port})`
  await expect(lab.getByTestId('client-status')).toHaveText('failed')
  await startServer(lab, port)
  await sendFromClient(lab, 'now')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('Received reply <NOW>')
  expect(occurrences(await consoleText(clientConsole(lab)), refused)).toBe(1)

  // A port in use: the server does not start; then it starts on a free port, which it says after.
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
  const blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen({ host: '0.0.0.0', port: 0 }, resolve))
  const busy = (blocker.address() as net.AddressInfo).port
  const inUse = `ERROR: port ${busy} is already in use`
  try {
    await lab.getByTestId('server-port').fill(String(busy))
    await lab.getByTestId('server-start').click()
    await expect.poll(() => consoleText(serverConsole(lab)), { timeout: 10_000 }).toContain(inUse)
    const free = await freePort()
    await startServer(lab, free)
    await expect.poll(() => consoleText(serverConsole(lab)), { timeout: 10_000 }).toContain(`Server waiting on (0.0.0.0, ${free})`)
    expect(occurrences(await consoleText(serverConsole(lab)), inUse)).toBe(1)
  } finally {
    blocker.close()
  }

  // UDP: no reply within the timeout; then a server there, and an exchange whose lines come after.
  await lab.getByTestId('lab-udp').click()
  const udpPort = await freePort()
  await lab.getByTestId('client-port').fill(String(udpPort))
  await lab.getByTestId('client-timeout').fill('0.5')
  await sendFromClient(lab, 'anyone')
  await expect(lab.getByTestId('client-status')).toHaveText('failed', { timeout: 10_000 })
  const noReply = `ERROR: no reply from (127.0.0.1, ${udpPort}) within 0.5 s`
  await startServer(lab, udpPort)
  await sendFromClient(lab, 'now')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 10_000 }).toContain('NOW')
  expect(occurrences(await consoleText(clientConsole(lab)), noReply)).toBe(1)

  // After a reload each is there, once.
  await lab.reload()
  await expect(lab.getByTestId('host-info')).toContainText('browser host')
  await lab.getByTestId('lab-udp').click()
  expect(await shownTimes(clientConsole(lab), noReply)).toBe(1)
  await lab.getByTestId('lab-tcp').click()
  expect(await shownTimes(clientConsole(lab), refused)).toBe(1)
  expect(await shownTimes(serverConsole(lab), inUse)).toBe(1)
})
