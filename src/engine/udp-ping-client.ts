// The Pinger lab's client as a lab endpoint: the textbook's UDP Pinger client (pinger/ping-client.ts)
// sends `count` numbered pings, one at a time, and waits up to the timeout for each reply. Its
// console prints the assignment's own lines (each reply with its RTT, or `Request timed out`), then
// the statistics; the log has each ping's send and recv, each reply's RTT, each timeout, and the
// statistics as rows of their own (the RTT plot is drawn from those).

import type { SendResult } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import type { ConfigOf } from '../shared/endpoint-kinds'
import { said } from '../shared/i18n/said'
import type { Endpoint, Reporter } from './endpoint'
import { explainError, LabError } from './errors'
import { PingClient, replyLine, TIMED_OUT, type PingRecord, type PingSummary } from './pinger'

export type UdpPingClientConfig = ConfigOf<'udp-ping-client'>

export class UdpPingClient implements Endpoint {
  private client?: PingClient
  private stopped = false
  private local?: SockAddr
  private remote?: SockAddr

  constructor(
    readonly id: string,
    readonly config: UdpPingClientConfig,
    private readonly report: Reporter
  ) {}

  /** Clients have nothing to open until they ping. */
  async start(): Promise<undefined> {
    return undefined
  }

  /** Stops after the ping under way: the statistics cover the pings answered or timed out. */
  async stop(): Promise<void> {
    this.stopped = true
    this.client?.stop()
  }

  /** One run of pings (what is typed is not used: a ping's message is the assignment's). The result's length is the replies received. */
  async send(): Promise<SendResult> {
    if (this.client) throw new LabError(said('error:system', { message: 'pinging already' }))
    const { address, port, count, timeoutMs, intervalMs } = this.config
    const client = new PingClient({ address, port, count, timeoutMs, intervalMs })
    this.client = client
    this.stopped = false
    client.on('record', (r: PingRecord) => this.onRecord(r))
    let summary: PingSummary
    try {
      summary = await client.run()
    } catch (err) {
      const e = explainError(err, { address, port })
      this.report.error(e.said, e.code, { local: this.local, remote: this.remote })
      e.reported = true
      throw e
    } finally {
      this.client = undefined
    }
    const { sent, received, lost, lossPct, minMs, avgMs, maxMs } = summary
    const stats = { what: 'stats' as const, sent, received, lost, lossPct, ...(minMs !== undefined && { minMs, avgMs, maxMs }) }
    this.report.event('ping', { local: this.local, remote: this.remote, detail: stats })
    const target = formatTuple(address, port)
    this.report.note(said('relay:ping.summary.title', { target }))
    this.report.note(said('relay:ping.summary.pings', { sent, received, lost, loss: Math.round(lossPct * 10) / 10 }))
    if (minMs !== undefined) this.report.note(said('pinger:event.rttLine', { min: minMs, avg: avgMs!, max: maxMs! }))
    else this.report.note(said('relay:ping.summary.noRtt'))
    if (this.stopped) this.report.event('close', { local: this.local, remote: this.remote, detail: { closedBy: 'client', reason: 'client-stopped' } })
    return { reply: '', length: received }
  }

  private onRecord(r: PingRecord): void {
    const { local, remote } = this
    switch (r.type) {
      case 'start':
        this.local = r.local
        this.remote = r.to
        this.report.event('ping', { local: r.local, remote: r.to, detail: { what: 'start', count: r.count, timeoutMs: r.timeoutMs, intervalMs: r.intervalMs } })
        return
      case 'sent':
        this.report.data('send', Buffer.from(r.message, 'latin1'), { local, remote, detail: { what: 'bytes' } })
        return
      case 'reply': {
        const bytes = Buffer.from(r.message, 'latin1')
        this.report.data('recv', bytes, { local, remote: r.from, detail: { what: 'datagram', recvSize: 1024 } })
        this.report.event('ping', { local, remote: r.from, detail: { what: 'reply', seq: r.seq, rttMs: r.rttMs } })
        this.report.console(replyLine(r.message, r.rttMs))
        return
      }
      case 'timeout':
        this.report.event('ping', { local, remote, detail: { what: 'timeout', seq: r.seq, timeoutMs: this.config.timeoutMs } })
        this.report.console(TIMED_OUT)
        return
      case 'late': {
        this.report.data('recv', Buffer.from(r.message, 'latin1'), { local, remote: r.from, detail: { what: 'datagram', recvSize: 1024 } })
        this.report.note(said('relay:ping.late', { message: r.message }))
        return
      }
      case 'error': {
        const e = explainError(Object.assign(new Error(r.message), { code: r.code }), { address: this.config.address, port: this.config.port })
        this.report.error(e.said, e.code, { local, remote })
      }
    }
  }
}
