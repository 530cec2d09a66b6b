// One lab session, as every host serves it: the Lab's verbs behind the dispatch gate, its capture,
// and its viewers fed by the one attach of viewers.ts. A host (Electron's IPC, the browser host's
// WebSocket) is a thin adapter: it checks who is calling, carries calls in and messages out, and
// tells the session when a viewer comes, says it is ready, and goes.

import type { LabHandlers, Reply } from '../shared/contract'
import type { Lab } from '../engine/lab'
import { dispatch } from './dispatch'
import { createLabHandlers, type HostFacts } from './handlers'
import { LabCapture, type LabCaptureOptions } from './lab-capture'
import { Viewers, type Viewer, type ViewerLink } from './viewers'
import { LastWindowGrace } from './window-grace'
import { WindowRegistry } from './window-registry'
import { LabError } from '../engine/errors'
import { said } from '../shared/i18n/said'

export interface LabSessionOptions {
  lab: Lab
  facts: HostFacts
  /** Where the capture tools are (tests); by default PATH, the usual folders, or SOCKLAB_WIRESHARK. */
  capture?: LabCaptureOptions
  /** How long the capture goes on once the last window has gone (default LAST_WINDOW_GRACE_MS). */
  captureGraceMs?: number
}

export class LabSession {
  readonly lab: Lab
  readonly capture: LabCapture
  private readonly handlers: LabHandlers
  private readonly viewers: Viewers
  private readonly grace: LastWindowGrace
  private readonly windows = new WindowRegistry()

  constructor(options: LabSessionOptions) {
    this.lab = options.lab
    this.capture = new LabCapture(options.lab, options.capture)
    this.handlers = createLabHandlers(options.lab, options.facts, this.capture)
    this.viewers = new Viewers(options.lab, this.capture, (viewer) => this.windows.gone(viewer))
    this.grace = new LastWindowGrace(() => this.capture.stop(), options.captureGraceMs)
    this.viewers.onCount = (count) => this.grace.windows(count)
  }

  /**
   * One call from a viewer: validated, run, and answered with an envelope, never a throw.
   * `caller`: the viewer it came from; showView speaks for that window only.
   */
  call(verb: unknown, args: unknown, caller?: Viewer): Promise<Reply<unknown>> {
    return dispatch({ ...this.handlers, showView: (view, token) => this.showView(caller, view, token) }, verb, args)
  }

  private showView(caller: Viewer | undefined, ...[view, token]: Parameters<LabHandlers['showView']>): ReturnType<LabHandlers['showView']> {
    if (!caller) throw new LabError(said('error:showViewOnlyWindow'))
    return this.windows.show(caller, view, token)
  }

  /** A viewer on `link`; it is sent nothing until it says it is ready for a feed. */
  attach(link: ViewerLink): Viewer {
    return this.viewers.attach(link)
  }

  /** How many viewers are attached. */
  get viewerCount(): number {
    return this.viewers.size
  }

  /** Detaches every viewer and ends the capture; the Lab (and its endpoints) is its creator's to stop. */
  async close(): Promise<void> {
    this.grace.cancel()
    this.viewers.dispose()
    this.windows.dispose()
    await this.capture.dispose()
  }
}
