// A TCP server's open connections, from its events alone: a connection is open from its accept()
// until its close (or reset); one still in the listen backlog is waiting; when the server stops,
// every one is gone. Pure, so that a second window and a reload see the same list.

import type { LabEvent, SockAddr } from '../../../shared/events'

export interface OpenConnection {
  conn: number
  remote?: SockAddr
  /** accept() has returned it; false while it waits in the listen backlog. */
  accepted: boolean
  /** Reads with bytes on it so far (a kept-open connection carries several messages). */
  messages: number
  /** The seq of its accept (or queued) event. */
  since: number
}

/** The server endpoint's connections open now, oldest first. */
export function openConnections(events: readonly LabEvent[], endpoint: string | undefined): OpenConnection[] {
  if (!endpoint) return []
  const open = new Map<number, OpenConnection>()
  for (const e of events) {
    if (e.endpoint !== endpoint) continue
    if (e.kind === 'listen') open.clear()
    if (e.conn === 0) {
      // The listening socket closed: the server stopped, its connections with it.
      if (e.kind === 'close') open.clear()
      continue
    }
    switch (e.kind) {
      case 'queued':
        open.set(e.conn, { conn: e.conn, remote: e.remote, accepted: false, messages: 0, since: e.seq })
        break
      case 'accept': {
        const was = open.get(e.conn)
        open.set(e.conn, { conn: e.conn, remote: e.remote ?? was?.remote, accepted: true, messages: was?.messages ?? 0, since: was?.since ?? e.seq })
        break
      }
      case 'recv': {
        const c = open.get(e.conn)
        if (c && e.length > 0) c.messages++
        break
      }
      case 'close':
      case 'reset':
        open.delete(e.conn)
        break
    }
  }
  return [...open.values()]
}
