// The course's UDP server (UDPServer.py): recvfrom(N), the sentence in capitals back to its sender.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { integer, type ServerDescription } from './kind'

export const udpServer: ServerDescription<'udp-server'> = {
  kind: 'udp-server',
  port: DEFAULT_PORT,
  defaults: { recvSize: 2048 },
  fields: [{ name: 'recvSize', input: 'text', numeric: true, label: said('lab:server.recvfromSize'), testId: 'server-recv-size' }],
  config: (f, at) => ({ kind: 'udp-server', address: at.address, port: at.port, recvSize: integer(f.recvSize) }),
  fieldsOf: (c) => (c.recvSize !== undefined ? { recvSize: String(c.recvSize) } : {}),
  fromOptions: (o) => ({ kind: 'udp-server', address: o.address, port: o.port, recvSize: o.recvSize }),
  // UDP has nothing to listen for: its socket is bound.
  running: (address) => said('lab:server.boundTo', { address })
}
