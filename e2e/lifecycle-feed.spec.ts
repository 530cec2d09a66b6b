// The lab window follows the lab from its event feed alone (issue 17): an endpoint's start, its
// client's activity and its stop are events, kept by the host beyond its ring of 50,000. A second
// window opened, and a window reloaded, 60,000 events after a server started and stopped, while a
// client waits, shows the panel at Start and the client waiting in its tab; the log shows no row
// for any of it. Real host (`socklab web`), real Chromium, a real silent TCP peer.

import net from 'node:net'
import WebSocket from 'ws'
import type { Page } from '@playwright/test'
import enLab from '../src/shared/i18n/locales/en/lab.json'
import { clientConsole, consoleText, expect, freePort, sendFromClient, shot, startServer, test } from './fixtures'

/** A client waiting: for the server (none of the lab's runs), or for the reply. */
const WAITING = new RegExp(`^(${enLab.status.waitingServer}|${enLab.status.waitingReply})$`)

/** 60,000 lines written through the host's WebSocket, as another window writes its notes: the ring keeps only the newest 50,000 events. */
async function flood(page: Page): Promise<void> {
  const url = new URL(page.url())
  const ws = new WebSocket(`ws://${url.host}/lab?token=${url.searchParams.get('token')}`, { headers: { Origin: url.origin } })
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)))
  const total = 60_000
  const done = new Promise<void>((resolve) => ws.on('message', (data) => (JSON.parse(data.toString()) as { id?: number }).id === total && resolve()))
  for (let id = 1; id <= total; id++) ws.send(JSON.stringify({ id, verb: 'writeConsole', args: [{ console: 'http:server', style: 'note', text: `filler ${id}` }] }))
  await done
  ws.close()
}

test('a second window and a reload, 60,000 events after a server started and stopped, show the panel at Start and the waiting client in its tab, from the feed', async ({ lab }) => {
  test.setTimeout(120_000)
  const sockets: net.Socket[] = []
  const silent = net.createServer((s) => void sockets.push(s))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    await lab.getByTestId('lab-tcp').click()
    const port = await freePort()
    await startServer(lab, port)
    await lab.getByTestId('server-stop').click()
    await expect(lab.getByTestId('server-start')).toBeVisible()
    // Client 2 waits on a peer that never answers.
    await lab.getByTestId('client-new').click()
    await lab.getByTestId('client-port').fill(String((silent.address() as net.AddressInfo).port))
    await sendFromClient(lab, 'anyone there?')
    await expect(lab.getByTestId('client-status')).toHaveText(WAITING)
    await flood(lab)

    const b = await lab.context().newPage()
    await b.goto(lab.url())
    await b.getByTestId('lab-tcp').click()
    await expect(b.getByTestId('server-start')).toBeVisible()
    await expect(b.getByTestId('client-tab-2')).toBeVisible()
    await b.getByTestId('client-tab-2').click()
    await expect(b.getByTestId('client-status')).toHaveText(WAITING)
    await expect(b.getByTestId('client-cancel')).toBeVisible()
    // The sentence it sent left the ring long ago; the tab is there all the same, with the peer's port.
    await expect(b.getByTestId('client-port')).toHaveValue(String((silent.address() as net.AddressInfo).port))
    // No row of the log is an endpoint's start, activity or stop.
    await expect(b.locator('.log-row.kind-lifecycle')).toHaveCount(0)
    await shot(b, 'lifecycle-second-window')

    // The first window reloads: the same, on the tab it showed.
    await lab.reload()
    await expect(lab.getByTestId('client-tab-2')).toHaveAttribute('aria-selected', 'true')
    await expect(lab.getByTestId('client-status')).toHaveText(WAITING)
    await expect(lab.getByTestId('server-start')).toBeVisible()

    // Cancel in the second window ends the wait in both.
    await b.getByTestId('client-cancel').click()
    await expect(b.getByTestId('client-status')).toHaveText(enLab.status.cancelled)
    await expect(lab.getByTestId('client-status')).toHaveText(enLab.status.cancelled)
    await expect.poll(() => consoleText(clientConsole(lab))).toContain(enLab.note.cancelled)
    await b.close()
  } finally {
    for (const s of sockets) s.destroy()
    silent.close()
  }
})
