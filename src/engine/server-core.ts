// What the lab's servers share, as client-core.ts is for clients: listen (TCP) or bind (UDP), the
// address they got, the numbering of their connections, and a stop that closes everything once,
// frees the port and says the server stopped. Each server keeps what is its own: what it does
// with a connection or a datagram.

import dgram from 'node:dgram'
import net from 'node:net'
import type { ServerConfig } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import type { Endpoint, Reporter } from './endpoint'
import { boundAddr } from './endpoint'
import { explainError } from './errors'
import { closeServer, listenTcp } from './net-util'
import { closeUdp, udpTypeFor } from './udp-util'

export abstract class ServerCore<C extends ServerConfig> implements Endpoint {
  /** The address it is bound to, once it is. */
  protected local?: SockAddr
  /** Set by stop(): what comes after (a late connection, a turn in a queue) is dropped. */
  protected stopped = false
  private connections = 0

  constructor(
    readonly id: string,
    readonly config: C,
    protected readonly report: Reporter
  ) {}

  abstract start(): Promise<SockAddr | undefined>

  /** The number of the next connection (LabEvent.conn), from 1 in the order they come. */
  protected nextConn(): number {
    return ++this.connections
  }

  /** Closes everything once, then the log says the server stopped (if it had anything open). */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (!(await this.closeAll())) return
    this.report.event('close', { local: this.local, detail: { closedBy: 'server', reason: 'server-stopped' } })
  }

  /** Closes the kind's sockets and frees its port; false when it had nothing open to close. */
  protected abstract closeAll(): Promise<boolean>
}

/** A TCP server: a listening socket, and the sockets of the connections it holds until each closes. */
export abstract class TcpServerCore<C extends ServerConfig> extends ServerCore<C> {
  protected abstract readonly server: net.Server
  /** The sockets of its connections, until each closes. */
  protected readonly sockets = new Set<net.Socket>()

  /**
   * Listens on the config's address and port; each connection then goes to `onConnection`, except
   * once the server is stopped (it is closed at once). `onError`: a failure of the listening socket.
   */
  protected async listen(backlog: number, onError: Parameters<typeof listenTcp>[4]): Promise<SockAddr | undefined> {
    const { address, port } = this.config
    await listenTcp(this.server, address, port, backlog, onError)
    this.server.on('connection', (socket) => (this.stopped ? socket.destroy() : this.onConnection(socket)))
    this.local = boundAddr(this.server.address())
    return this.local
  }

  protected abstract onConnection(socket: net.Socket): void

  /** Holds a connection's socket until it closes: stop() destroys those still open. */
  protected track(socket: net.Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
  }

  protected async closeAll(): Promise<boolean> {
    for (const socket of this.sockets) socket.destroy()
    await closeServer(this.server)
    return true
  }
}

/** A UDP server: one bound socket. */
export abstract class UdpServerCore<C extends ServerConfig> extends ServerCore<C> {
  protected socket?: dgram.Socket

  /** Binds the config's address and port; each datagram then goes to `onDatagram`. */
  protected async bind(onError: (err: Error) => void): Promise<dgram.Socket> {
    const { address, port } = this.config
    const socket = await bindUdpSocket(address, port, { failed: (err) => explainError(err, { address, port, action: 'bind' }) })
    this.socket = socket
    this.local = boundAddr(socket.address())
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo))
    socket.on('error', onError)
    return socket
  }

  protected abstract onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void

  protected async closeAll(): Promise<boolean> {
    const socket = this.socket
    this.socket = undefined
    if (!socket) return false
    await closeUdp(socket)
    return true
  }
}

/**
 * A UDP socket bound to address:port for itself alone (exclusive), of the family the address needs;
 * closed again if the bind fails, which rejects with `failed(err)` (the system's error, unless a
 * caller words it). Every UDP server of the lab binds through here (the course's, the Pinger's, the relay's).
 */
export async function bindUdpSocket(address: string, port: number, options: { bufferSize?: number; failed?: (err: Error) => Error } = {}): Promise<dgram.Socket> {
  const buffers = options.bufferSize === undefined ? {} : { recvBufferSize: options.bufferSize, sendBufferSize: options.bufferSize }
  const socket = dgram.createSocket({ type: await udpTypeFor(address), ...buffers })
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close()
      reject(options.failed ? options.failed(err) : err)
    }
    socket.once('error', onError)
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError)
      resolve()
    })
  })
  return socket
}
