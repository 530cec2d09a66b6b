// The LabHandlers both hosts serve: the Lab's verbs plus the facts of the host itself.

import os from 'node:os'
import type { HostInfo, LabHandlers } from '../../shared/contract'
import type { Lab } from '../lab/lab'

export interface HostFacts {
  host: HostInfo['host']
  version: string
  sampleSite: string
  /** A native folder picker (Electron); absent in the browser host. */
  chooseFolder?: () => Promise<string | null>
}

export function createLabHandlers(lab: Lab, facts: HostFacts): LabHandlers {
  return {
    hostInfo: () => ({
      host: facts.host,
      version: facts.version,
      sampleSite: facts.sampleSite,
      ipv6: hasIPv6Loopback(),
      canChooseFolder: facts.chooseFolder !== undefined,
      session: lab.session
    }),
    start: (config) => lab.start(config),
    stop: (id) => lab.stop(id),
    connect: (id) => lab.connect(id),
    send: (id, input) => lab.send(id, input),
    list: () => lab.list(),
    history: () => lab.history(),
    chooseFolder: () => (facts.chooseFolder ? facts.chooseFolder() : null)
  }
}

export function hasIPv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.internal && i.family === 'IPv6'))
}
