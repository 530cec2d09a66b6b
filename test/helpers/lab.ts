// A Lab for engine tests, with helpers to wait for the events it reports.

import type { EndpointConfig, EndpointInfo } from '../../src/shared/contract'
import type { LabEvent } from '../../src/shared/events'
import { Lab } from '../../src/engine/lab'
import { words } from './words'

export interface TestLab {
  lab: Lab
  events: LabEvent[]
  /** Console lines of one endpoint, in order. */
  lines(endpoint: string): string[]
  /** Resolves with the first event (from the start) that matches, or rejects after `ms`. */
  waitForEvent(match: (e: LabEvent) => boolean, ms?: number): Promise<LabEvent>
  start(config: EndpointConfig): Promise<EndpointInfo>
  close(): Promise<void>
}

export function testLab(): TestLab {
  const lab = new Lab()
  const events: LabEvent[] = []
  lab.on('event', (e) => events.push(e))
  return {
    lab,
    events,
    lines: (endpoint) => events.filter((e) => e.endpoint === endpoint && e.kind === 'console').map((e) => words(e)),
    waitForEvent(match, ms = 5000) {
      const found = events.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          lab.off('event', listener)
          reject(new Error(`no matching event within ${ms} ms; saw:\n${events.map((e) => `${e.endpoint} ${e.kind} ${words(e)}`).join('\n')}`))
        }, ms)
        const listener = (e: LabEvent): void => {
          if (!match(e)) return
          clearTimeout(timer)
          lab.off('event', listener)
          resolve(e)
        }
        lab.on('event', listener)
      })
    },
    start: (config) => lab.start(config),
    close: () => lab.stopAll()
  }
}

export const tcpServer = (over: Partial<Extract<EndpointConfig, { kind: 'tcp-server' }>> = {}): EndpointConfig => ({
  kind: 'tcp-server',
  address: '127.0.0.1',
  port: 0,
  recvSize: 1024,
  concurrent: false,
  idleTimeoutMs: 0,
  ...over
})

export const tcpClient = (port: number, over: Partial<Extract<EndpointConfig, { kind: 'tcp-client' }>> = {}): EndpointConfig => ({
  kind: 'tcp-client',
  address: '127.0.0.1',
  port,
  recvSize: 1024,
  timeoutMs: 10_000,
  ...over
})
