// No client is ever trapped waiting: an empty sentence is refused before it is sent, and every
// client that waits for a reply (TCP, UDP, HTTP) can cancel the wait, which frees the server.

import net from 'node:net'
import { clientConsole, connectedAndQueued, consoleText, exchange, expect, freePort, logRows, sendFromClient, serverConsole, shot, startServer, test } from './fixtures'

test('an empty sentence is refused in one line, and nothing is sent', async ({ lab }) => {
  await startServer(lab, await freePort())
  await expect.poll(async () => (await logRows(lab)).length).toBeGreaterThan(0)
  const rows = (await logRows(lab)).length
  await sendFromClient(lab, '')
  await expect(lab.getByTestId('client-problem')).toHaveText(/^Type a sentence first: an empty send puts no bytes on the wire/)
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('ERROR: Type a sentence first')
  await expect(lab.getByTestId('client-send')).toBeEnabled()
  await expect(lab.getByTestId('client-connect')).toBeEnabled()
  expect((await logRows(lab)).length).toBe(rows)
  // The same from the console itself: Enter on an empty line.
  await clientConsole(lab).click()
  await lab.keyboard.press('Enter')
  expect((await logRows(lab)).length).toBe(rows)
  await exchange(lab, 'then a real one')
})

test('TCP: a client queued behind another cancels its wait; Close frees the iterative server', async ({ lab }) => {
  await startServer(lab, await freePort())
  // Client 1 connects and says nothing: the iterative server is busy with it.
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-status')).toContainText('connected')
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-new').click()
  await sendFromClient(lab, 'stuck')
  await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
  await expect(lab.getByTestId('client-send')).toBeDisabled()

  await lab.getByTestId('client-cancel').click()
  await expect(lab.getByTestId('client-status')).toContainText('cancelled')
  await expect(lab.getByTestId('client-send')).toBeEnabled()
  await expect(lab.getByTestId('client-cancel')).toHaveCount(0)
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Cancelled: the client stopped waiting')
  expect(await consoleText(clientConsole(lab))).not.toContain('Received reply')

  // Client 1 closes without sending: the server reads end-of-stream and moves on to the next client.
  await lab.getByTestId('client-tab-1').click()
  await lab.getByTestId('client-close').click()
  await expect(lab.getByTestId('client-status')).toContainText('not connected')
  await expect(lab.getByTestId('client-connect')).toBeEnabled()
  await lab.getByTestId('client-tab-2').click()
  await exchange(lab, 'served at once')
  await expect.poll(() => consoleText(serverConsole(lab))).toMatch(/Sent reply to[^]*Sent reply to/)
})

test('TCP: after a window reload, the connected client keeps Close and the queued one keeps Cancel, and both work', async ({ lab }) => {
  test.setTimeout(60_000)
  await connectedAndQueued(lab)

  await lab.reload()
  // The tabs come back as the host says they are: client 1 connected, client 2 waiting in the backlog.
  await expect(lab.getByTestId('client-tab-2')).toBeVisible()
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-status')).toHaveText('connected: type a sentence and send it')
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-status')).toHaveText('waiting for the server…')
  await expect(lab.getByTestId('client-send')).toBeDisabled()
  await shot(lab, 'reload-queued-client')

  await lab.getByTestId('client-cancel').click()
  await expect(lab.getByTestId('client-status')).toContainText('cancelled')
  await expect(lab.getByTestId('client-send')).toBeEnabled()
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Cancelled: the client stopped waiting')
  await lab.getByTestId('client-tab-1').click()
  await lab.getByTestId('client-close').click()
  await expect(lab.getByTestId('client-status')).toContainText('not connected')
  // The server read client 1's end of stream: it is free for the next client at once.
  await lab.getByTestId('client-tab-2').click()
  await exchange(lab, 'served at once')
})

test('TCP: a reloaded window sends again from a tab whose queued wait another window cancelled', async ({ lab }) => {
  test.setTimeout(60_000)
  await connectedAndQueued(lab)
  await lab.reload()
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-cancel')).toBeVisible()

  // A second window (the projector's) cancels the wait and closes client 1.
  const other = await lab.context().newPage()
  await other.goto(lab.url())
  await other.getByTestId('client-tab-2').click()
  await other.getByTestId('client-cancel').click()
  await expect(other.getByTestId('client-status')).toContainText('cancelled')
  await other.getByTestId('client-tab-1').click()
  await other.getByTestId('client-close').click()
  // The tab says what the other window did, as that window and a reload say it.
  await expect(lab.getByTestId('client-status')).toHaveText('cancelled: ready for a new try')

  // The reloaded window's tab no longer holds the stopped endpoint: its next sentence opens a new connection.
  await exchange(lab, 'served at once')
  expect(await consoleText(clientConsole(lab))).not.toContain('ERROR')
  await other.close()
})

test('TCP: a connection another window closes shows closed in the window that opened it, whose next sentence is served', async ({ lab }) => {
  test.setTimeout(60_000)
  await startServer(lab, await freePort())
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  const other = await lab.context().newPage()
  await other.goto(lab.url())
  await other.getByTestId('client-close').click()
  await expect(other.getByTestId('client-status')).toContainText('not connected')

  await expect(lab.getByTestId('client-status')).toContainText('not connected')
  await expect(lab.getByTestId('client-close')).toHaveCount(0)
  await exchange(lab, 'served at once')
  expect(await consoleText(clientConsole(lab))).not.toContain('ERROR')
  await other.close()
})

test('UDP: a client waiting for a reply that will not come cancels long before its timeout', async ({ lab }) => {
  await lab.getByTestId('lab-udp').click()
  await lab.getByTestId('client-port').fill(String(await freePort()))
  await lab.getByTestId('client-timeout').fill('60')
  await sendFromClient(lab, 'anyone')
  await expect(lab.getByTestId('client-status')).toContainText('waiting for the reply')
  await lab.getByTestId('client-cancel').click()
  await expect(lab.getByTestId('client-status')).toContainText('cancelled', { timeout: 10_000 })
  await expect(lab.getByTestId('client-send')).toBeEnabled()
  expect(await consoleText(clientConsole(lab))).not.toMatch(/ERROR: no reply/)
  await expect.poll(async () => (await logRows(lab)).some((r) => r[4] === 'UDP' && r[6].startsWith('CLOSE'))).toBe(true)
})

test('HTTP: a fetch from a server that never answers is cancelled, and the server sees the client go', async ({ lab }) => {
  // A server that reads the request and never replies, as a broken student server would.
  const closed: Promise<void>[] = []
  const silent = net.createServer((socket) => {
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())))
    socket.on('error', () => undefined)
    socket.resume()
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const port = (silent.address() as net.AddressInfo).port
  try {
    await lab.getByTestId('lab-http').click()
    await lab.getByTestId('client-input').fill(`http://127.0.0.1:${port}/`)
    await lab.getByTestId('client-send').click()
    await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
    await expect.poll(() => closed.length).toBe(1)
    await lab.getByTestId('client-cancel').click()
    await expect(lab.getByTestId('client-status')).toContainText('cancelled')
    await closed[0]
    await expect(lab.getByTestId('client-send')).toBeEnabled()
  } finally {
    silent.close()
  }
})
