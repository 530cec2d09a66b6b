// The LabHandlers both hosts serve: the Lab's verbs, its capture, plus the facts of the host itself.

import os from 'node:os'
import type { HostInfo, LabHandlers } from '../shared/contract'
import { kindInfo } from '../shared/endpoint-kinds'
import type { PcapngExport } from '../shared/wire'
import type { Lab } from '../engine/lab'
import { LabError } from '../engine/errors'
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
  /**
   * While capturing, a client's port is captured before the client uses it (the first exchange
   * waits for a capture restart, once per new port). A server is not held up: the capture takes
   * in its port as it listens, and its first client waits for that.
   */
  const cover = async (id: string, url?: string): Promise<void> => {
    const config = lab.list().find((e) => e.id === id)?.config
    const ports = config ? portsOfConfig(config) : []
    const fromUrl = config?.kind === 'http-client' && url !== undefined ? portOfUrl(url) : undefined
    await capture.cover(fromUrl === undefined ? ports : [...ports, fromUrl])
  }
  return {
    hostInfo: () => ({
      host: facts.host,
      version: facts.version,
      sampleSite: facts.sampleSite,
      ipv6: hasIPv6Loopback(),
      canChooseFolder: facts.chooseFolder !== undefined,
      session: lab.session
    }),
    start: async (config) => {
      if (kindInfo(config.kind).role === 'client') await capture.cover(portsOfConfig(config))
      return lab.start(config)
    },
    stop: (id) => lab.stop(id),
    connect: async (id) => {
      await cover(id)
      return lab.connect(id)
    },
    send: async (id, input) => {
      await cover(id, input)
      return lab.send(id, input)
    },
    list: () => lab.list(),
    writeConsole: (line) => lab.writeConsole(line),
    chooseFolder: () => (facts.chooseFolder ? facts.chooseFolder() : null),
    captureStatus: () => capture.checkedStatus(),
    startCapture: () => capture.start(),
    stopCapture: () => capture.stop(),
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
