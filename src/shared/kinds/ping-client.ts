// The textbook's UDP Pinger client (UDPPingerClient.py): `count` numbered pings, each waiting up to
// the timeout for its reply, then the statistics. It reads no line: Ping starts a run.

import { DEFAULT_PORT } from '../address'
import { said } from '../i18n/said'
import { integer, milliseconds, seconds, type ClientDescription } from './kind'

/** The assignment's 10 pings of one second each, and a pause between pings that lets a student watch the plot grow. */
export const PING_WINDOW_DEFAULTS = { count: 10, timeoutMs: 1000, intervalMs: 200 } as const

export const pingClient: ClientDescription<'udp-ping-client'> = {
  kind: 'udp-ping-client',
  port: DEFAULT_PORT,
  defaults: { ...PING_WINDOW_DEFAULTS },
  fields: [
    { name: 'address', input: 'text', label: said('lab:client.address'), testId: 'client-address', edited: 'addressEdited' },
    { name: 'port', input: 'text', numeric: true, label: said('lab:client.port'), testId: 'client-port', edited: 'portEdited' },
    { name: 'count', input: 'text', numeric: true, label: said('pinger:client.count'), testId: 'ping-count' },
    { name: 'timeout', input: 'text', numeric: true, label: said('pinger:client.timeout'), testId: 'client-timeout' },
    { name: 'interval', input: 'text', numeric: true, label: said('pinger:client.interval'), hint: said('pinger:client.intervalHint'), testId: 'ping-interval' }
  ],
  config: (f, at) => ({ kind: 'udp-ping-client', address: at.address, port: at.port, count: integer(f.count), timeoutMs: milliseconds(f.timeout), intervalMs: milliseconds(f.interval) }),
  fieldsOf: (c) => ({
    ...(c.address !== undefined && { address: c.address }),
    ...(c.port !== undefined && { port: String(c.port) }),
    ...(c.count !== undefined && { count: String(c.count) }),
    ...(c.timeoutMs !== undefined && { timeout: seconds(c.timeoutMs) }),
    ...(c.intervalMs !== undefined && { interval: seconds(c.intervalMs) })
  }),
  fromOptions: (o) => ({ kind: 'udp-ping-client', address: o.address, port: o.port, count: PING_WINDOW_DEFAULTS.count, timeoutMs: o.timeoutMs, intervalMs: 0 }),
  // The pinger asks for nothing: its messages are its own.
  prompt: '',
  input: { label: said('pinger:client.ping'), placeholder: '', connects: false, refusesEmpty: false, action: said('pinger:client.ping'), line: false },
  status: {
    idle: said('pinger:status.ready'),
    waiting: said('pinger:status.pinging'),
    closed: said('pinger:status.stopped'),
    done: (count) => said('pinger:status.done', { count }),
    doneShort: (count) => said('pinger:status.shortDone', { count })
  }
}
