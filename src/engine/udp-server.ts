// The course's UDP server: each datagram (recvfrom of at most recvSize bytes) is upper-cased and
// sent back to its sender. No connections: every datagram stands alone.

import type dgram from 'node:dgram'
import type { UdpServerConfig } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import { asciiUpper, sockAddr } from './endpoint'
import { explainError } from './errors'
import { UdpServerCore } from './server-core'
import { datagramRead } from './udp-util'

export class UdpServer extends UdpServerCore<UdpServerConfig> {
  async start(): Promise<SockAddr | undefined> {
    const { address, port } = this.config
    await this.bind((err) => {
      const e = explainError(err, { address, port })
      this.report.error(e.said, e.code)
    })
    this.report.event('bind', { local: this.local, detail: { address, port: this.local?.port ?? port, recvSize: this.config.recvSize } })
    this.waiting()
    return this.local
  }

  private waiting(): void {
    this.report.console(`Server waiting on ${formatTuple(this.config.address, this.local?.port ?? this.config.port)}`)
  }

  /**
   * Why this row shows the wildcard where the client's rows show a real address: a datagram never
   * carries 0.0.0.0 or ::, but a socket bound to it cannot tell which address a datagram came in on.
   */
  /** The wildcard address the server is bound to, if it is: its rows then say why their own address differs. */
  private wildcard(): string | undefined {
    const address = this.local?.address
    return address === '0.0.0.0' || address === '::' ? address : undefined
  }

  protected onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const socket = this.socket
    if (!socket) return
    const remote = sockAddr(rinfo.address, rinfo.port)
    const peer = formatTuple(remote?.address ?? rinfo.address, rinfo.port)
    // recvfrom(n) keeps the first n bytes of a longer datagram; the rest is gone for good.
    const request = msg.subarray(0, this.config.recvSize)
    this.report.data('recv', request, { local: this.local, remote, length: msg.length, detail: datagramRead(msg, request, this.config.recvSize, this.wildcard()) })
    this.report.console(`Received request from ${peer}`)
    const reply = asciiUpper(request)
    // Stamped as sendto() is called, before the datagram leaves.
    this.report.data('send', reply, { local: this.local, remote, detail: { what: 'bytes', wildcard: this.wildcard() } })
    socket.send(reply, rinfo.port, rinfo.address, (err) => {
      if (err) {
        const e = explainError(err, { address: rinfo.address, port: rinfo.port })
        this.report.error(e.said, e.code, { local: this.local, remote })
      } else this.report.console(`Sent reply to ${peer}`)
      if (this.socket) this.waiting()
    })
  }
}
