// Maps an endpoint config to the class that runs it.

import type { EndpointConfig } from '../shared/contract'
import type { Endpoint, Reporter } from './endpoint'
import { HttpClient } from './http-client'
import { HttpServer } from './http-server'
import { RelayEndpoint } from './relay-endpoint'
import { TcpClient } from './tcp-client'
import { TcpServer } from './tcp-server'
import { UdpClient } from './udp-client'
import { UdpServer } from './udp-server'
import { UdpPingClient } from './udp-ping-client'
import { UdpPingServer } from './udp-ping-server'

export function createEndpoint(id: string, config: EndpointConfig, reporter: Reporter): Endpoint {
  switch (config.kind) {
    case 'tcp-server':
      return new TcpServer(id, config, reporter)
    case 'tcp-client':
      return new TcpClient(id, config, reporter)
    case 'udp-server':
      return new UdpServer(id, config, reporter)
    case 'udp-client':
      return new UdpClient(id, config, reporter)
    case 'http-server':
      return new HttpServer(id, config, reporter)
    case 'http-client':
      return new HttpClient(id, config, reporter)
    case 'udp-ping-server':
      return new UdpPingServer(id, config, reporter)
    case 'udp-ping-client':
      return new UdpPingClient(id, config, reporter)
    case 'tcp-relay':
    case 'udp-relay':
      return new RelayEndpoint(id, config, reporter)
  }
}
