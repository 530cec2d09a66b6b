// Waits on what the kernel and the lab say, not on time: a condition polled until it holds, and a
// connection's Recv-Q as `ss` reports it.

import { execFileSync } from 'node:child_process'

/** Resolves once `check()` holds; fails after `ms`, saying `what` it waited for. */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Bytes waiting unread in the kernel's receive queue of the server's socket of the connection whose
 * client is `clientPort` (ss's Recv-Q): the kernel's own count, not a guess from timing. -1: no such connection.
 */
export function recvQueue(serverPort: number, clientPort: number): number {
  const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${serverPort} and dport = :${clientPort} )`], { encoding: 'utf8' })
  const cols = out.trim().split(/\s+/)
  return cols.length >= 2 ? Number(cols[0]) : -1
}
