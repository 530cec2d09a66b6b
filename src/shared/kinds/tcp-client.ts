// The course's TCP client (TCPClient.py): connect, send the sentence, recv(N) the reply, close.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { TCP_TIMEOUT_DEFAULT_MS } from '../limits'
import { integer, SENTENCE_PROMPT, type ClientDescription } from './kind'

export const tcpClient: ClientDescription<'tcp-client'> = {
  kind: 'tcp-client',
  port: DEFAULT_PORT,
  defaults: { recvSize: 1024, timeoutMs: TCP_TIMEOUT_DEFAULT_MS },
  fields: [
    { name: 'address', input: 'text', label: said('lab:client.address'), testId: 'client-address', edited: 'addressEdited' },
    { name: 'port', input: 'text', numeric: true, label: said('lab:client.port'), testId: 'client-port', edited: 'portEdited' }
  ],
  // The window has no timeout field for TCP: the default waits longer than an iterative server's idle timeout.
  // The stream options (chunks, nagle, session: the window's Stream… control, renderer/src/stream/StreamFields.tsx): only those not the default go in the config.
  config: (f, at) => {
    const chunks = integer(typeof f.chunks === 'string' ? f.chunks : '1')
    return { kind: 'tcp-client', address: at.address, port: at.port, recvSize: integer(f.recvSize), timeoutMs: TCP_TIMEOUT_DEFAULT_MS, ...(chunks !== 1 && { chunks }), ...(f.nagle === false && { noDelay: true }), ...(f.session === true && { session: true }) }
  },
  fieldsOf: (c) => ({
    ...(c.address !== undefined && { address: c.address }),
    ...(c.port !== undefined && { port: String(c.port) }),
    ...(c.recvSize !== undefined && { recvSize: String(c.recvSize) }),
    chunks: String(c.chunks ?? 1),
    nagle: c.noDelay !== true,
    session: c.session === true
  }),
  // The stream options given (absent ones keep today's behaviour).
  fromOptions: (o) => {
    const { chunks, chunkDelayMs, noDelay, session } = o.stream
    return {
      kind: 'tcp-client',
      address: o.address,
      port: o.port,
      recvSize: o.recvSize,
      timeoutMs: o.timeoutMs,
      ...(chunks !== 1 && { chunks }),
      ...(chunkDelayMs !== 0 && { chunkDelayMs }),
      ...(noDelay && { noDelay }),
      ...(session && { session: true })
    }
  },
  prompt: SENTENCE_PROMPT,
  input: { label: said('lab:client.sentence'), placeholder: said('lab:client.sentencePlaceholder'), connects: true, refusesEmpty: true, action: said('lab:client.send') },
  status: { idle: said('lab:status.notConnected'), waiting: said('lab:status.waitingServer'), closed: said('lab:status.closedTcp') }
}
