// The LabHandlers both hosts serve: the Lab's verbs, its capture, plus the facts of the host itself.

import os from 'node:os'
import type { Readable } from 'node:stream'
import type { HostInfo, LabHandlers } from '../shared/contract'
import type { PcapngExport } from '../shared/wire'
import type { Lab } from '../engine/lab'
import { LabError } from '../engine/errors'
import { readSettings, writeSettings } from './user-settings'
import { portOfUrl, portsOfConfig, type LabCapture } from './lab-capture'
import { said } from '../shared/i18n/said'
import { captureWaitSaid } from '../shared/wire'
import { englishT, sayIn } from '../shared/event-words'

export interface HostFacts {
  host: HostInfo['host']
  version: string
  sampleSite: string
  /** A native folder picker (Electron); absent in the browser host. */
  chooseFolder?: () => Promise<string | null>
  /**
   * Hands the capture's pcapng to the user: Electron saves it where a dialog says; the browser
   * host gives the page a download address. The pcapng is a stream, read from the capture files
   * as it is written out (a capture of hundreds of MB is never held in memory); one not read must
   * be destroyed.
   */
  exportPcapng?: (pcapng: Readable) => Promise<PcapngExport>
}

export function createLabHandlers(lab: Lab, facts: HostFacts, capture: LabCapture): LabHandlers {
  /**
   * While capturing, a client's port is captured before the client uses it (the first exchange
   * waits for a capture restart, once per new port). A server is not held up: the capture takes
   * in its port as it listens, and its first client waits for that. The client's console says
   * so at once: the wait takes seconds on a loaded PC, and would look like a hang.
   */
  const cover = async (id: string, url?: string): Promise<void> => {
    const config = lab.list().find((e) => e.id === id)?.config
    const ports = config ? portsOfConfig(config) : []
    const fromUrl = config?.kind === 'http-client' && url !== undefined ? portOfUrl(url) : undefined
    await capture.cover(fromUrl === undefined ? ports : [...ports, fromUrl], (missing) => lab.say(id, captureWaitSaid(missing, config?.kind === 'udp-client')))
  }
  return {
    hostInfo: () => {
      const { language } = readSettings()
      return {
        host: facts.host,
        version: facts.version,
        sampleSite: facts.sampleSite,
        ipv6: hasIPv6Loopback(),
        canChooseFolder: facts.chooseFolder !== undefined,
        session: lab.session,
        ...(language && { language })
      }
    },
    // A client's start opens no socket: it is held at its first connect or send, once the window
    // shows its console (a line said while start is held would show only after it).
    start: (config, consoleKey) => lab.start(config, consoleKey),
    stop: (id) => lab.stop(id),
    connect: async (id) => {
      await cover(id)
      return lab.connect(id)
    },
    closeConnection: (id, conn) => lab.closeConnection(id, conn),
    send: async (id, input) => {
      await cover(id, input)
      return lab.send(id, input)
    },
    list: () => lab.list(),
    stopped: () => lab.stopped(),
    writeConsole: (line) => lab.writeConsole(line),
    chooseFolder: () => (facts.chooseFolder ? facts.chooseFolder() : null),
    captureStatus: () => capture.checkedStatus(),
    startCapture: () => capture.start(),
    stopCapture: () => capture.stop(),
    kernelState: (since) => capture.kernelState(since),
    exportPcapng: async () => {
      if (!facts.exportPcapng) throw new LabError(said('error:cannotExport'))
      const pcapng = capture.pcapng()
      if (!pcapng) throw new LabError(said('error:nothingCaptured'))
      return facts.exportPcapng(pcapng).finally(() => pcapng.destroy())
    },
    // Answered by the session, which knows which window calls (lab-session.ts).
    showView: () => {
      throw new LabError(said('error:showViewOnlyWindow'))
    },
    // Per user, not per window or per run: the next start of either host opens in it (user-settings.ts).
    setLanguage: (lang) => writeSettings({ language: lang })
  }
}

/** The client's line while it waits for the capture to take in its port(s), in English (the note itself travels as captureWaitSaid). */
export function captureWaitLine(ports: number[], datagrams: boolean): string {
  return sayIn(englishT(), captureWaitSaid(ports, datagrams))
}

export function hasIPv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.internal && i.family === 'IPv6'))
}
