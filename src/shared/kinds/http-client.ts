// The course's web client: asks for a URL, sends a GET, reads the reply (once, or to the end).

import { DEFAULT_HTTP_PORT } from '../address'
import { said } from '../i18n/said'
import type { ClientDescription } from './kind'

export const httpClient: ClientDescription<'http-client'> = {
  kind: 'http-client',
  port: DEFAULT_HTTP_PORT,
  defaults: { recvOnce: false },
  // Where it goes is the URL it fetches, not an address and port of its own.
  fields: [{ name: 'recvOnce', input: 'check', label: said('lab:client.recvOnce'), hint: said('lab:client.recvOnceHint'), testId: 'client-recv-once' }],
  config: (f, at) => ({ kind: 'http-client', recvOnce: f.recvOnce === true, family: at.family }),
  fieldsOf: (c) => (c.recvOnce !== undefined ? { recvOnce: c.recvOnce } : {}),
  fromOptions: (o) => ({ kind: 'http-client', recvOnce: o.recvOnce, family: o.family }),
  prompt: "Type the object's URL: ",
  input: { label: said('lab:client.url'), placeholder: 'http://127.0.0.1:8080/', field: { name: 'url', edited: 'urlEdited' }, connects: false, refusesEmpty: false, action: said('lab:client.fetch') },
  status: { idle: said('lab:status.notConnected'), waiting: said('lab:status.waitingServer'), closed: said('lab:status.closedTcp') }
}
