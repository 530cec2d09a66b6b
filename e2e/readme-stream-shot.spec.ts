// The README's picture of Writes/reads (docs/stream-view.png): on the course's port 12000, a keep-open
// server, and a client's "hello world" sent as 3 writes that the server reads as 1. It binds a fixed
// port, so it runs only when asked (SOCKLAB_README_SHOT=1 npx playwright test e2e/readme-stream-shot.spec.ts
// --project=browser) and stops, saying why, if 12000 is taken.

import { execFileSync } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { clientConsole, consoleText, expect, logRows, ROOT, sendFromClient, startServer, test } from './fixtures'

const COURSE_PORT = 12000
test.skip(process.env.SOCKLAB_README_SHOT !== '1', 'makes docs/stream-view.png on the course port 12000: run with SOCKLAB_README_SHOT=1')

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen({ host: '0.0.0.0', port }, () => s.close(() => resolve(true)))
  })
}

/** Bytes waiting unread in the server socket's receive queue for the client on `clientPort` (ss's Recv-Q). */
function recvQueue(serverPort: number, clientPort: number): number {
  const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${serverPort} and dport = :${clientPort} )`], { encoding: 'utf8' })
  const cols = out.trim().split(/\s+/)
  return cols.length >= 2 ? Number(cols[0]) : -1
}

test('README screenshot: Writes/reads, 3 writes that arrived as 1 read, on port 12000', async ({ lab }) => {
  test.setTimeout(90_000)
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  await lab.getByTestId('server-keep-open').check()
  await startServer(lab, COURSE_PORT)
  // Client 1 holds the iterative server while client 2's three writes wait in the kernel together.
  await lab.getByTestId('client-stream-toggle').click()
  await lab.getByTestId('client-session').check()
  await lab.getByTestId('client-stream-toggle').click()
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-stream-toggle').click()
  await lab.getByTestId('client-chunks').fill('3')
  await lab.getByTestId('client-session').uncheck()
  await lab.getByTestId('client-stream-toggle').click()
  await sendFromClient(lab, 'hello world')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('SEND')).length, { timeout: 15_000 }).toBe(3)
  const clientPort = Number((await logRows(lab)).find((r) => r[6].startsWith('SEND'))![2].split(':').at(-1))
  await expect.poll(() => recvQueue(COURSE_PORT, clientPort), { timeout: 10_000 }).toBe(11)
  await lab.getByTestId('client-tab-1').click()
  await lab.getByTestId('client-close').click()
  await lab.getByTestId('client-tab-2').click()
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Received reply <HELLO WORLD>')
  await lab.getByTestId('view-stream').click()
  await expect(lab.locator('[data-testid=stream-direction][data-from=client] [data-testid=stream-caption]')).toHaveText('3 writes arrived as 1 read')
  await lab.screenshot({ path: path.join(ROOT, 'docs', 'stream-view.png') })
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})
