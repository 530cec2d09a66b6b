import net from 'node:net'
import { clientConsole, consoleText, expect, freePort, logRows, sendFromClient, serverConsole, shot, startServer, test } from './fixtures'

for (const family of ['IPv4', 'IPv6'] as const) {
  test(`TCP lab over ${family}: hello world, both consoles, and the log`, async ({ lab }) => {
    const loopback = family === 'IPv6' ? '::1' : '127.0.0.1'
    const any = family === 'IPv6' ? '::' : '0.0.0.0'
    const port = await freePort(loopback)
    if (family === 'IPv6') await lab.getByTestId('family-IPv6').click()
    await expect(lab.getByTestId('server-address')).toHaveValue(any)
    await expect(lab.getByTestId('client-address')).toHaveValue(loopback)
    await startServer(lab, port)
    await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
    await sendFromClient(lab, 'hello world')

    const client = `(${loopback}, ${port})`
    await expect.poll(() => consoleText(clientConsole(lab))).toContain(`Received reply <HELLO WORLD>`)
    const clientText = await consoleText(clientConsole(lab))
    expect(clientText).toContain(`Connected to server at ${client}`)
    expect(clientText).toContain(`Connection closed with server at ${client}`)
    await expect.poll(() => consoleText(serverConsole(lab))).toMatch(new RegExp(`Sent reply to \\(${loopback.replace(/[.:]/g, '\\$&')}, \\d+\\)`))
    const serverText = await consoleText(serverConsole(lab))
    expect(serverText).toContain(`Server waiting on (${any}, ${port})`)
    expect(serverText).toMatch(/Received request from \(/)

    // The client's write and the server's reply, 11 bytes each, between the right addresses.
    const shown = family === 'IPv6' ? `[::1]:${port}` : `127.0.0.1:${port}`
    await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('SEND')).length).toBe(2)
    const rows = await logRows(lab)
    const sends = rows.filter((r) => r[6].startsWith('SEND'))
    expect(sends[0][3]).toBe(shown)
    expect(sends[0][5]).toBe('11')
    expect(sends[1][2]).toBe(shown)
    expect(sends[1][5]).toBe('11')
    expect(rows.filter((r) => r[6].startsWith('RECV')).map((r) => r[5])).toEqual(['11', '11'])
    for (const r of rows) expect(r[4]).toBe('TCP')
    await shot(lab, family === 'IPv6' ? 'tcp-ipv6' : 'tcp')
  })
}

test('a port in use is said in plain words, and a free port then works', async ({ lab }) => {
  const blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen({ host: '0.0.0.0', port: 0 }, resolve))
  const busy = (blocker.address() as net.AddressInfo).port
  try {
    await lab.getByTestId('server-port').fill(String(busy))
    await lab.getByTestId('server-start').click()
    await expect.poll(() => consoleText(serverConsole(lab))).toContain(`ERROR: port ${busy} is already in use`)
    await expect(lab.getByTestId('server-status')).toHaveText('stopped')
    // Invalid input is refused before anything is sent.
    await lab.getByTestId('server-port').fill('80')
    await lab.getByTestId('server-start').click()
    await expect(lab.getByTestId('server-problem')).toHaveText('Port must be an integer in 1024..65535')
    await expect.poll(() => consoleText(serverConsole(lab))).toContain('ERROR: Port must be an integer in 1024..65535')
    const free = await freePort()
    await startServer(lab, free)
    await sendFromClient(lab, 'still working')
    await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <STILL WORKING>')
  } finally {
    blocker.close()
  }
})

test('connection refused shows in the client console, and the client recovers', async ({ lab }) => {
  const port = await freePort()
  await lab.getByTestId('client-port').fill(String(port))
  await sendFromClient(lab, 'anyone there')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain(`ERROR: connection refused by (127.0.0.1, ${port})`)
  await startServer(lab, port)
  await sendFromClient(lab, 'now')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <NOW>')
})

test('two clients on an iterative server: the second waits for the first; concurrent serves both', async ({ lab }) => {
  const port = await freePort()
  await startServer(lab, port)
  // Client 1 connects and says nothing yet: the iterative server is busy with it.
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-status')).toContainText('connected')
  await lab.getByTestId('client-new').click()
  await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
  await sendFromClient(lab, 'second')
  await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
  await lab.waitForTimeout(700)
  expect(await consoleText(clientConsole(lab))).not.toContain('Received reply')
  await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
  await shot(lab, 'tcp-iterative-waiting')

  await lab.getByTestId('client-tab-1').click()
  await sendFromClient(lab, 'first')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <FIRST>')
  await lab.getByTestId('client-tab-2').click()
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <SECOND>')
  const server = await consoleText(serverConsole(lab))
  expect(server.indexOf('Sent reply to')).toBeLessThan(server.lastIndexOf('Sent reply to'))

  // Concurrent: client 1 holds a connection, client 2 is served at once.
  await lab.getByTestId('server-stop').click()
  await lab.getByTestId('server-concurrent').check()
  await startServer(lab, port)
  await lab.getByTestId('client-tab-1').click()
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-status')).toContainText('connected')
  await lab.getByTestId('client-tab-2').click()
  await sendFromClient(lab, 'no waiting')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <NO WAITING>')
  await lab.getByTestId('client-tab-1').click()
  await sendFromClient(lab, 'done')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <DONE>')
})

test('a sentence typed into the client console itself is sent on Enter, and shows once', async ({ lab }) => {
  const port = await freePort()
  await startServer(lab, port)
  await clientConsole(lab).click()
  await lab.keyboard.type('typed here')
  await lab.keyboard.press('Enter')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <TYPED HERE>')
  expect((await consoleText(clientConsole(lab))).split('Input lowercase sentence: typed here').length - 1).toBe(1)
})

test('a sentence typed or dropped past 65,536 characters says how much was cut, as a paste does', async ({ lab }) => {
  const input = lab.getByTestId('client-input')
  const problem = lab.getByTestId('client-problem')
  // Typed: the input holds 65,535 characters, and the student types on.
  await input.fill('a'.repeat(65_535))
  await expect(problem).toHaveText('')
  await input.press('End')
  await lab.keyboard.type('xyz')
  await expect(problem).toHaveText('Only the first 65,536 characters were kept: 2 more did not fit in one sentence.')
  expect(await input.inputValue()).toBe(`${'a'.repeat(65_535)}x`)
  // Deleting one leaves room: the note goes.
  await lab.keyboard.press('Backspace')
  await expect(problem).toHaveText('')

  // Dropped: 70,000 characters dragged onto the empty input (a real drag, through the browser's own input).
  await input.fill('')
  const box = (await input.boundingBox())!
  const cdp = await lab.context().newCDPSession(lab)
  const data = { items: [{ mimeType: 'text/plain', data: 'b'.repeat(70_000) }], dragOperationsMask: 1 }
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data })
  await expect(problem).toHaveText('Only the first 65,536 characters were kept: 4,464 more did not fit in one sentence.')
  expect(await input.inputValue()).toHaveLength(65_536)
})

test('a 100 KB paste: the sentence keeps its first 65,536 characters and says so; the console shows it cut, and recv(1024) leaves the rest unread', async ({ lab }) => {
  await lab.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await startServer(lab, await freePort())
  const sentence = 'abcdefghij'.repeat(10_000)
  await lab.evaluate((text) => navigator.clipboard.writeText(text), sentence)
  await lab.getByTestId('client-input').focus()
  await lab.keyboard.press('ControlOrMeta+V')
  await expect(lab.getByTestId('client-problem')).toHaveText('Only the first 65,536 characters were kept: 34,464 more did not fit in one sentence.')
  expect(await lab.getByTestId('client-input').inputValue()).toHaveLength(65_536)
  await lab.getByTestId('client-send').click()
  await expect(lab.getByTestId('client-problem')).toHaveText('')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <ABCDEFGHIJ')
  const text = await consoleText(clientConsole(lab))
  // The echo is there, cut, and no note of lines "not shown" stands in for it.
  expect(text).toContain(`Input lowercase sentence: ${sentence.slice(0, 200)}`)
  expect(text).toContain('… (61,440 more characters not shown)')
  expect(text).not.toContain('lines not shown')
  await expect(lab.getByTestId('log-row').filter({ hasText: '64,512 more bytes beyond recv(1024) left unread' })).toHaveCount(1)
})
