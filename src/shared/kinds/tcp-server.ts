// The course's TCP server (TCPServer.py): recv(N) once per connection, the sentence in capitals back, close.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { IDLE_TIMEOUT_DEFAULT_MS } from '../limits'
import { integer, type ServerDescription } from './kind'

export const tcpServer: ServerDescription<'tcp-server'> = {
  kind: 'tcp-server',
  port: DEFAULT_PORT,
  defaults: { recvSize: 1024, concurrent: false, idleTimeoutMs: IDLE_TIMEOUT_DEFAULT_MS },
  fields: [
    { name: 'recvSize', input: 'text', numeric: true, label: said('lab:server.recvSize'), testId: 'server-recv-size' },
    { name: 'concurrent', input: 'check', label: said('lab:server.concurrent'), hint: said('lab:server.concurrentHint'), testId: 'server-concurrent' }
  ],
  // The window has no idle timeout field: its default, which a client waiting for a reply outlasts.
  // keepOpen: the window's Keep connections open (renderer/src/stream/StreamFields.tsx); in the config only when on.
  config: (f, at) => ({ kind: 'tcp-server', address: at.address, port: at.port, recvSize: integer(f.recvSize), concurrent: f.concurrent === true, idleTimeoutMs: IDLE_TIMEOUT_DEFAULT_MS, ...(f.keepOpen === true && { keepOpen: true }) }),
  fieldsOf: (c) => ({ ...(c.recvSize !== undefined && { recvSize: String(c.recvSize) }), ...(c.concurrent !== undefined && { concurrent: c.concurrent }), keepOpen: c.keepOpen === true }),
  fromOptions: (o) => ({ kind: 'tcp-server', address: o.address, port: o.port, recvSize: o.recvSize, concurrent: o.concurrent, idleTimeoutMs: o.idleTimeoutMs, ...(o.stream.keepOpen && { keepOpen: true }) }),
  running: (address) => said('lab:server.listeningOn', { address })
}
