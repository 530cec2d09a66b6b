// The textbook's UDP Pinger server (UDPPingerServer.py): each ping in capitals back to its sender,
// except a share it drops on purpose, by randint(0, 10) < 4 (about 36%) or the loss typed.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { integer, text, type ServerDescription } from './kind'

export const pingServer: ServerDescription<'udp-ping-server'> = {
  kind: 'udp-ping-server',
  port: DEFAULT_PORT,
  defaults: {},
  fields: [
    { name: 'loss', input: 'text', label: said('pinger:field.loss'), hint: said('pinger:server.lossHint'), testId: 'ping-loss-field' },
    { name: 'seed', input: 'text', numeric: true, label: said('pinger:field.seed'), hint: said('pinger:server.seedHint'), testId: 'ping-seed' }
  ],
  // Empty: the textbook's rule, a new seed each start.
  config: (f, at) => ({
    kind: 'udp-ping-server',
    address: at.address,
    port: at.port,
    ...(text(f.loss) !== '' && { loss: Number(text(f.loss).replace(',', '.')) }),
    ...(text(f.seed) !== '' && { seed: integer(f.seed) })
  }),
  fieldsOf: (c) => ({ loss: c.loss === undefined ? '' : String(c.loss), seed: c.seed === undefined ? '' : String(c.seed) }),
  fromOptions: (o) => ({ kind: 'udp-ping-server', address: o.address, port: o.port }),
  running: (address) => said('lab:server.boundTo', { address })
}
