// Two windows on one host, both open (the instructor's own and the projector's): what one starts,
// the other shows as it happens, as a reload would show it, without losing its own tabs. The
// window open first must not wait for a reload to see a server run or a client's reply.

import net from 'node:net'
import type { Page } from '@playwright/test'
import { clientConsole, consoleText, eventsLate, exchange, expect, freePort, sendFromClient, serverConsole, shot, startServer, test } from './fixtures'

/** A second window on the lab's host, open on lab `kind`. */
async function secondWindow(lab: Page, kind: 'tcp' | 'http'): Promise<Page> {
  const other = await lab.context().newPage()
  await other.goto(lab.url())
  await other.getByTestId(`lab-${kind}`).click()
  return other
}

test('TCP: a window open first shows the server and the client another window starts, and then sends its own sentence', async ({ lab }) => {
  test.setTimeout(60_000)
  const b = await secondWindow(lab, 'tcp')
  const port = await freePort()
  await startServer(b, port)
  await exchange(b, 'hello')

  // Window A never reloaded: its panel shows the server running, a tab shows B's client.
  await expect(lab.getByTestId('server-status')).toContainText(`:${port}`)
  await expect(lab.getByTestId('server-stop')).toBeVisible()
  await expect.poll(() => consoleText(serverConsole(lab))).toMatch(/Server waiting on[^]*Received request from[^]*Sent reply to/)
  // A's Client 1 was unused: B's Client 1 is Client 1 here too, on screen, with the port it went to.
  await expect(lab.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <HELLO>')
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  const adopted = await consoleText(clientConsole(lab))
  // The sentence B typed comes first, in the same console as its reply.
  expect(adopted.indexOf('hello')).toBeGreaterThanOrEqual(0)
  expect(adopted.indexOf('hello')).toBeLessThan(adopted.indexOf('Received reply <HELLO>'))
  await expect(lab.getByTestId('client-status')).toHaveText('done: 5 bytes received')
  await shot(lab, 'live-window-tcp')

  // A sends from a new tab of its own (it starts from the fields on screen), and B shows that exchange too, as Client 2.
  await lab.getByTestId('client-new').click()
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  await exchange(lab, 'from a')
  expect(await consoleText(clientConsole(lab))).not.toContain('HELLO')
  await expect(b.getByTestId('client-tab-2')).toBeVisible()
  await b.getByTestId('client-tab-2').click()
  await expect.poll(() => consoleText(clientConsole(b))).toContain('Received reply <FROM A>')
  await expect.poll(() => consoleText(serverConsole(b))).toMatch(/Sent reply to[^]*Sent reply to/)
  // Each window has two tabs, no more: neither adopted its own client a second time.
  await expect(lab.getByTestId('client-tab-3')).toHaveCount(0)
  await expect(b.getByTestId('client-tab-3')).toHaveCount(0)

  // B stops the server: A's panel goes back to Start.
  await b.getByTestId('server-stop').click()
  await expect(b.getByTestId('server-start')).toBeVisible()
  await expect(lab.getByTestId('server-start')).toBeVisible()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
  await expect.poll(() => consoleText(serverConsole(lab))).toContain('Server stopped: the port is free again.')
  await b.close()
})

test('HTTP: a window open first shows the reply under the URL another window fetched, and that URL in the tab', async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.getByTestId('lab-http').click()
  const b = await secondWindow(lab, 'http')
  const port = await freePort()
  await startServer(b, port)
  await b.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(b))).toContain('Reply read in')

  await expect(lab.getByTestId('server-status')).toContainText(`:${port}`)
  await expect.poll(() => consoleText(serverConsole(lab))).toMatch(/"GET \/ HTTP\/1.0" 200 \d+/)
  // A's Client 1 was unused: B's Client 1 shows there, as in B.
  await expect(lab.getByTestId('client-tab-1')).toHaveAttribute('aria-selected', 'true')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Reply read in')
  const text = await consoleText(clientConsole(lab))
  const url = text.indexOf(`Type the object's URL: http://127.0.0.1:${port}/`)
  expect(url).toBeGreaterThanOrEqual(0)
  expect(url).toBeLessThan(text.indexOf('HTTP/1.1 200 OK'))
  await shot(lab, 'live-window-http')
  await expect(lab.getByTestId('client-tab-2')).toHaveCount(0)

  // B fetches another URL from a new tab: A's adopted tab shows that URL in its field, not the
  // default (the URL is no part of the client's config; the host says which one it fetched).
  const about = `http://127.0.0.1:${port}/about.html`
  await b.getByTestId('client-new').click()
  await b.getByTestId('client-input').fill(about)
  await b.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(b))).toContain('Reply read in')
  await lab.getByTestId('client-tab-2').click()
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Reply read in')
  await expect(lab.getByTestId('client-input')).toHaveValue(about)
  // Client 1 still shows the default it fetched; a new window shows both as well.
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-input')).toHaveValue(`http://127.0.0.1:${port}/`)
  const c = await secondWindow(lab, 'http')
  await c.getByTestId('client-tab-2').click()
  await expect(c.getByTestId('client-input')).toHaveValue(about)
  await c.close()
  await b.close()
})

test('a client another window cancelled before this window heard of it still gets a tab of its own, with its sentence and "Cancelled"', async ({ lab }) => {
  // A loaded machine: window A hears of each batch of events 500 ms late, by which time B's
  // client has stopped; A's adoption finds it no longer running.
  await eventsLate(lab)
  const silent = net.createServer((socket) => socket.on('error', () => undefined).resume())
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    const b = await secondWindow(lab, 'tcp')
    await b.getByTestId('client-port').fill(String((silent.address() as net.AddressInfo).port))
    await sendFromClient(b, 'hello?')
    await expect(b.getByTestId('client-status')).toContainText('waiting for the server')
    await b.getByTestId('client-cancel').click()
    await expect(b.getByTestId('client-status')).toContainText('cancelled')

    // A's Client 1 was unused: B's Client 1 shows there, with the port it went to.
    await expect(lab.getByTestId('client-status')).toHaveText('cancelled: ready for a new try')
    await expect.poll(() => consoleText(clientConsole(lab))).toContain('Cancelled: the client stopped waiting')
    expect(await consoleText(clientConsole(lab))).toContain('Input lowercase sentence: hello?')
    await expect(lab.getByTestId('client-port')).toHaveValue(String((silent.address() as net.AddressInfo).port))
    await expect(lab.getByTestId('client-tab-2')).toHaveCount(0)
    await b.close()
  } finally {
    silent.close()
  }
})

test("each client tab has its own fields: a port typed in A's own tab stays there, B's client shows the port it went to, also after a reload and in a new window", async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.getByTestId('client-port').fill('12345')
  const b = await secondWindow(lab, 'tcp')
  const port = await freePort()
  await startServer(b, port)
  await exchange(b, 'hello')

  // A's Client 1 is in use (a port typed): B's Client 1 gets a tab of its own here, with its port.
  await expect(lab.getByTestId('client-tab-2')).toBeVisible()
  await expect(lab.getByTestId('client-port')).toHaveValue('12345')
  await lab.getByTestId('client-tab-2').click()
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  await expect(lab.getByTestId('client-status')).toHaveText('done: 5 bytes received')
  // Send in that tab goes where its console says: B's server.
  await exchange(lab, 'again')

  await lab.reload()
  await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <AGAIN>')
  await lab.getByTestId('client-tab-1').click()
  await expect(lab.getByTestId('client-port')).toHaveValue('12345')
  await expect(lab.getByTestId('client-tab-3')).toHaveCount(0)

  // A new window shows B's client in Client 1, where B has it, with its port.
  const c = await secondWindow(lab, 'tcp')
  await expect(c.getByTestId('client-port')).toHaveValue(String(port))
  await expect.poll(() => consoleText(clientConsole(c))).toContain('Received reply <HELLO>')
  await b.close()
  await c.close()
})
