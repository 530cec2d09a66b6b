// Where capture is impossible the ladder has no packets to draw: it says so, and points to the wire
// view's sentence on how to enable capture, instead of asking the student to pick a packet.

import os from 'node:os'
import path from 'node:path'
import { exchange, expect, freePort, shot, startServer, test } from './fixtures'

const empty = path.join(os.tmpdir(), 'socklab-no-wireshark-here') // never made: a folder with no tools, and nothing left behind
test.use({ hostEnv: { SOCKLAB_WIRESHARK: empty } })

test('without capture, the ladder says why it is empty, also after an exchange picked in the packet log', async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.getByTestId('view-ladder').click()
  const empty = lab.getByTestId('ladder').locator('.wire-empty')
  await expect(empty).toContainText('Capture is not possible here')
  await expect(empty).toContainText('the Wire view says why')
  await startServer(lab, await freePort())
  await exchange(lab, 'no capture')
  await lab.getByTestId('view-log').click()
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).first().click()
  await lab.getByTestId('view-ladder').click()
  await expect(empty).toContainText('Capture is not possible here')
  await expect(empty).not.toContainText('Pick a packet')
  await shot(lab, 'ladder-unavailable')
})
