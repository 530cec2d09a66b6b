// The relay between a client and a server: UDP or TCP, impaired per direction, seeded.

import { TcpRelay } from './tcp-relay'
import type { Relay, RelayConfig } from './types'
import { UdpRelay } from './udp-relay'

export * from './types'
export { TcpRelay } from './tcp-relay'
export { UdpRelay } from './udp-relay'

/** Starts a relay; it listens once this resolves. */
export async function startRelay(config: RelayConfig): Promise<Relay> {
  const relay = config.proto === 'udp' ? new UdpRelay(config) : new TcpRelay(config)
  await relay.start()
  return relay
}
