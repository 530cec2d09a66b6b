// The LabHandlers both hosts serve: the Lab's verbs, its capture, plus the facts of the host itself.

import os from 'node:os'
import type { HostInfo, LabHandlers } from '../../shared/contract'
import type { PcapngExport } from '../../shared/wire'
import type { Lab } from '../lab/lab'
import { LabError } from '../lab/errors'
import { portOfUrl, portsOfConfig, type LabCapture } from './lab-capture'

export interface HostFacts {
  host: HostInfo['host']
  version: string
  sampleSite: string
  /** A native folder picker (Electron); absent in the browser host. */
  chooseFolder?: () => Promise<string | null>
  /**
   * Hands the capture's pcapng to the user: Electron saves it where a dialog says; the browser
   * host gives the page a download address.
   */
  exportPcapng?: (pcapng: Buffer) => Promise<PcapngExport>
}

export function createLabHandlers(lab: Lab, facts: HostFacts, capture: LabCapture): LabHandlers {
  return {
    hostInfo: () => ({
      host: facts.host,
      version: facts.version,
      sampleSite: facts.sampleSite,
      ipv6: hasIPv6Loopback(),
      canChooseFolder: facts.chooseFolder !== undefined,
      session: lab.session
    }),
    // While capturing, an endpoint's port is captured before the endpoint uses it.
    start: async (config) => {
      await capture.cover(portsOfConfig(config))
      return lab.start(config)
    },
    stop: (id) => lab.stop(id),
    connect: (id) => lab.connect(id),
    send: async (id, input) => {
      if (id.startsWith('http-client')) {
        const port = portOfUrl(input)
        if (port !== undefined) await capture.cover([port])
      }
      return lab.send(id, input)
    },
    list: () => lab.list(),
    history: () => lab.history(),
    chooseFolder: () => (facts.chooseFolder ? facts.chooseFolder() : null),
    captureStatus: () => capture.checkedStatus(),
    startCapture: () => capture.start(),
    stopCapture: () => capture.stop(),
    wireHistory: () => capture.history(),
    kernelState: () => capture.kernelState(),
    exportPcapng: async () => {
      const pcapng = await capture.pcapng()
      if (!pcapng) throw new LabError('nothing captured yet: open the Wire view, then run an exchange')
      if (!facts.exportPcapng) throw new LabError('this host cannot export files')
      return facts.exportPcapng(pcapng)
    }
  }
}

export function hasIPv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.internal && i.family === 'IPv6'))
}
