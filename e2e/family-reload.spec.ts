// The IPv4/IPv6 switch is part of what a reload brings back "as it was": the switch, and the fields
// that follow it, in the lab on screen and the others, with no server running and with one.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, sendFromClient, serverConsole, startServer, test } from './fixtures'

/** A datagram to the UDP server and its reply, both over IPv6 (the UDP client prints the reply as it came). */
async function datagram(page: Page, text: string): Promise<void> {
  await sendFromClient(page, text)
  await expect.poll(() => consoleText(clientConsole(page)), { timeout: 15_000 }).toContain(text.toUpperCase())
  await expect.poll(() => consoleText(serverConsole(page))).toContain('Sent reply to (::1, ')
}

/** The switch says IPv6 and the fields of the lab on screen are IPv6's loopback. */
async function showsIPv6(page: Page): Promise<void> {
  await expect(page.getByTestId('family-IPv6')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('family-IPv4')).toHaveAttribute('aria-pressed', 'false')
  await expect(page.getByTestId('client-address')).toHaveValue('::1')
  await expect(page.getByTestId('server-address')).toHaveValue('::')
}

test('UDP and TCP: IPv6 clicked with nothing started stays IPv6 after a reload, fields ::1 and ::, and Send reaches a server then started on ::', async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.getByTestId('lab-udp').click()
  await lab.getByTestId('family-IPv6').click()
  await showsIPv6(lab)
  // As the newcomer did: wait, then reload (twice).
  await lab.waitForTimeout(2_500)
  for (let i = 0; i < 2; i++) {
    await lab.reload()
    await expect(lab.getByTestId('lab-udp')).toHaveAttribute('aria-selected', 'true')
    await showsIPv6(lab)
  }
  // The other labs follow the same switch: the HTTP client's URL names ::1.
  await lab.getByTestId('lab-http').click()
  await expect(lab.getByTestId('family-IPv6')).toHaveAttribute('aria-pressed', 'true')
  await expect(lab.getByTestId('server-address')).toHaveValue('::')
  await expect(lab.getByTestId('client-input')).toHaveValue('http://[::1]:8080/')
  await lab.getByTestId('lab-tcp').click()
  await showsIPv6(lab)
  await lab.reload()
  await showsIPv6(lab)

  // Send works after the reload against a server started on ::, in TCP and in UDP.
  await startServer(lab, await freePort())
  await exchange(lab, 'tcp over six')
  expect(await consoleText(clientConsole(lab))).not.toMatch(/refused|cannot reach/)
  await lab.getByTestId('lab-udp').click()
  await showsIPv6(lab)
  await startServer(lab, await freePort())
  await datagram(lab, 'udp over six')
  // With servers running on ::, a reload keeps the switch too.
  await lab.reload()
  await showsIPv6(lab)
  await datagram(lab, 'udp again')
})

test('an IPv4 server running in the TCP lab does not undo IPv6 clicked in the UDP lab: after a reload the switch, the fields and Send are IPv6', async ({ lab }) => {
  test.setTimeout(90_000)
  const tcpPort = await freePort()
  await startServer(lab, tcpPort)
  await expect(lab.getByTestId('server-address')).toHaveValue('0.0.0.0')
  await lab.getByTestId('lab-udp').click()
  await lab.getByTestId('family-IPv6').click()
  await showsIPv6(lab)
  await lab.reload()
  await expect(lab.getByTestId('lab-udp')).toHaveAttribute('aria-selected', 'true')
  await showsIPv6(lab)
  await startServer(lab, await freePort())
  await expect(lab.getByTestId('server-address')).toHaveValue('::')
  await datagram(lab, 'udp over six')
  // The TCP lab's IPv4 server runs on, as started; its panel says IPv6 clients cannot reach it, as before the reload.
  await lab.getByTestId('lab-tcp').click()
  await expect(lab.getByTestId('server-status')).toContainText(`:${tcpPort}`)
  await expect(lab.getByTestId('server-address')).toHaveValue('0.0.0.0')
  await expect(lab.getByTestId('client-address')).toHaveValue('::1')
  await expect(lab.getByTestId('server-problem')).toContainText('runs over IPv4')
  // Stopped, its address follows the switch again, as it would have without the reload.
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-start')).toBeVisible()
  await expect(lab.getByTestId('server-address')).toHaveValue('::')
  await startServer(lab, tcpPort)
  await exchange(lab, 'tcp over six')
  // The HTTP lab too, with those servers running: after a reload its server starts on :: and the page comes over ::1.
  await lab.getByTestId('lab-http').click()
  await lab.reload()
  await expect(lab.getByTestId('lab-http')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('family-IPv6')).toHaveAttribute('aria-pressed', 'true')
  await expect(lab.getByTestId('server-address')).toHaveValue('::')
  const httpPort = await freePort()
  await startServer(lab, httpPort)
  await expect(lab.getByTestId('client-input')).toHaveValue(`http://[::1]:${httpPort}/`)
  await lab.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('HTTP/1.1 200 OK')
})
