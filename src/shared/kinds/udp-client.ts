// The course's UDP client (UDPClient.py): sendto the sentence, recvfrom(N) the reply, close.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { UDP_TIMEOUT_DEFAULT_MS } from '../limits'
import { integer, milliseconds, seconds, SENTENCE_PROMPT, type ClientDescription } from './kind'

export const udpClient: ClientDescription<'udp-client'> = {
  kind: 'udp-client',
  port: DEFAULT_PORT,
  defaults: { recvSize: 2048, timeoutMs: UDP_TIMEOUT_DEFAULT_MS },
  fields: [
    { name: 'address', input: 'text', label: said('lab:client.address'), testId: 'client-address', edited: 'addressEdited' },
    { name: 'port', input: 'text', numeric: true, label: said('lab:client.port'), testId: 'client-port', edited: 'portEdited' },
    { name: 'timeout', input: 'text', numeric: true, label: said('lab:client.timeout'), testId: 'client-timeout' }
  ],
  config: (f, at) => ({ kind: 'udp-client', address: at.address, port: at.port, recvSize: integer(f.recvSize), timeoutMs: milliseconds(f.timeout) }),
  fieldsOf: (c) => ({
    ...(c.address !== undefined && { address: c.address }),
    ...(c.port !== undefined && { port: String(c.port) }),
    ...(c.recvSize !== undefined && { recvSize: String(c.recvSize) }),
    ...(c.timeoutMs !== undefined && { timeout: seconds(c.timeoutMs) })
  }),
  fromOptions: (o) => ({ kind: 'udp-client', address: o.address, port: o.port, recvSize: o.recvSize, timeoutMs: o.timeoutMs }),
  prompt: SENTENCE_PROMPT,
  // An empty datagram is still a datagram, and the server answers one: UDP sends it.
  input: { label: said('lab:client.sentence'), placeholder: said('lab:client.sentencePlaceholder'), connects: false, refusesEmpty: false, action: said('lab:client.send') },
  // UDP has no connection to speak of: its client is ready to send, or its socket is closed.
  status: { idle: said('lab:status.readyToSend'), waiting: said('lab:status.waitingReply'), closed: said('lab:status.closedUdp') }
}
