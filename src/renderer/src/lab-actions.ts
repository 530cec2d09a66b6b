// What the buttons of a lab do: start and stop its server; connect, send, cancel and close its
// clients. Each action asks the LabApi and writes its outcome to the lab state and the consoles;
// the components only call these.

import type { LabApi } from '../../shared/contract'
import type { Family } from '../../shared/events'
import type { ConsoleRegistry } from './consoles'
import type { EventRouter } from './event-router'
import type { ClientTab, LabKind, LabState } from './lab-state'
import { clientConfig, serverConfig, serverConsole, signatureOf } from './lab-state'

export interface LabActionDeps {
  api: LabApi
  registry: ConsoleRegistry
  router: EventRouter
  labs: () => Record<LabKind, LabState>
  family: () => Family
  update: (kind: LabKind, change: (lab: LabState) => LabState) => void
  /** Says (or, without `problem`, clears) what is wrong with the fields of `where`. */
  setProblem: (where: string, problem?: string) => void
  /** Tabs whose wait the student cancelled: their failure is a note, not an error. */
  cancelled: Set<string>
}

/** Why an empty sentence is refused: sending 0 bytes puts nothing on the wire, and both sides would wait. */
export const EMPTY_SENTENCE =
  'Type a sentence first: an empty send puts no bytes on the wire, so the server would wait for them and the client for its reply'

export function labActions(d: LabActionDeps) {
  const updateTab = (kind: LabKind, key: string, change: Partial<ClientTab>): void =>
    d.update(kind, (lab) => ({ ...lab, tabs: lab.tabs.map((t) => (t.key === key ? { ...t, ...change } : t)) }))
  const tabOf = (kind: LabKind, key: string): ClientTab | undefined => d.labs()[kind].tabs.find((t) => t.key === key)

  /** Input refused before anything was sent: said next to the fields and in the console. */
  const refuse = (where: string, key: string, problem: string): void => {
    d.setProblem(where, problem)
    d.registry.write(key, `ERROR: ${problem}`, 'error')
  }

  /** A failed call: said once in the console where it happened (the host may have said it already). */
  const fail = (key: string, err: unknown): void => {
    const line = `ERROR: ${err instanceof Error ? err.message : String(err)}`
    setTimeout(() => {
      if (d.registry.lastError(key) !== line) d.registry.write(key, line, 'error')
    }, 150)
  }

  /** The client endpoint of a tab, started (again) if its settings changed. */
  const clientOf = async (kind: LabKind, key: string): Promise<string | null> => {
    const lab = d.labs()[kind]
    const checked = clientConfig(lab, d.family())
    if ('problem' in checked) {
      refuse(`${kind}:client`, key, checked.problem)
      return null
    }
    d.setProblem(`${kind}:client`)
    const signature = signatureOf(checked.config)
    const tab = lab.tabs.find((t) => t.key === key)!
    if (tab.endpointId && tab.signature === signature) return tab.endpointId
    if (tab.endpointId) await d.api.stop(tab.endpointId).catch(() => undefined)
    const ep = await d.api.start(checked.config)
    d.router.route(ep.id, key)
    updateTab(kind, key, { endpointId: ep.id, signature })
    return ep.id
  }

  /** The wait ended by the student's Cancel: a note, and the tab is ready for a new try. */
  const endedByCancel = (kind: LabKind, key: string): boolean => {
    if (!d.cancelled.delete(key)) return false
    d.registry.write(key, 'Cancelled: the client stopped waiting and closed its socket.', 'note')
    updateTab(kind, key, { busy: false, status: 'cancelled: ready for a new try', endpointId: undefined, signature: undefined })
    return true
  }

  return {
    async startServer(kind: LabKind): Promise<void> {
      const checked = serverConfig(d.labs()[kind])
      if ('problem' in checked) return refuse(`${kind}:server`, serverConsole(kind), checked.problem)
      d.setProblem(`${kind}:server`)
      d.update(kind, (lab) => ({ ...lab, serverBusy: true }))
      try {
        const ep = await d.api.start(checked.config)
        d.router.route(ep.id, serverConsole(kind))
        d.update(kind, (lab) => ({ ...lab, run: { id: ep.id, local: ep.local } }))
      } catch (err) {
        fail(serverConsole(kind), err)
      } finally {
        d.update(kind, (lab) => ({ ...lab, serverBusy: false }))
      }
    },

    async stopServer(kind: LabKind): Promise<void> {
      const run = d.labs()[kind].run
      if (!run) return
      d.update(kind, (lab) => ({ ...lab, serverBusy: true }))
      try {
        await d.api.stop(run.id)
        d.registry.write(serverConsole(kind), 'Server stopped: the port is free again.', 'note')
      } catch (err) {
        fail(serverConsole(kind), err)
      } finally {
        d.update(kind, (lab) => ({ ...lab, run: undefined, serverBusy: false }))
      }
    },

    async connect(kind: LabKind, key: string): Promise<void> {
      updateTab(kind, key, { busy: true, status: 'connecting…' })
      try {
        const id = await clientOf(kind, key)
        if (!id) return updateTab(kind, key, { busy: false, status: 'not connected' })
        await d.api.connect(id)
        d.cancelled.delete(key)
        updateTab(kind, key, { busy: false, status: 'connected: type a sentence and send it' })
      } catch (err) {
        if (endedByCancel(kind, key)) return
        fail(key, err)
        updateTab(kind, key, { busy: false, status: 'not connected' })
      }
    },

    async send(kind: LabKind, key: string, line: string): Promise<void> {
      const tab = tabOf(kind, key)
      if (!tab || tab.busy) return
      if (kind !== 'http' && line === '') return refuse(`${kind}:client`, key, EMPTY_SENTENCE)
      d.registry.echoInput(key, line)
      updateTab(kind, key, { busy: true, status: kind === 'udp' ? 'waiting for the reply…' : 'waiting for the server…' })
      try {
        const id = await clientOf(kind, key)
        if (!id) return updateTab(kind, key, { busy: false, status: 'not connected' })
        // Cancelled while its endpoint was being started: that endpoint goes too.
        if (d.cancelled.has(key)) {
          await d.api.stop(id).catch(() => undefined)
          throw new Error('cancelled')
        }
        const result = await d.api.send(id, line)
        d.cancelled.delete(key)
        updateTab(kind, key, { busy: false, status: `done: ${result.length} bytes received` })
      } catch (err) {
        if (endedByCancel(kind, key)) return
        fail(key, err)
        updateTab(kind, key, { busy: false, status: 'failed' })
      }
    },

    /** Ends a client's wait (or its open connection): its endpoint stops, which closes its socket and frees the server. */
    async cancel(kind: LabKind, key: string): Promise<void> {
      const tab = tabOf(kind, key)
      if (!tab) return
      if (tab.busy) d.cancelled.add(key)
      updateTab(kind, key, { endpointId: undefined, signature: undefined, ...(tab.busy ? {} : { status: 'closed: not connected' }) })
      if (tab.endpointId) await d.api.stop(tab.endpointId).catch((err) => fail(key, err))
    }
  }
}

export type LabActions = ReturnType<typeof labActions>
