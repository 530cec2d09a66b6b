import type { LabApi } from '../shared/contract'

declare global {
  interface Window {
    /** Present in the Electron app (exposed by the preload); absent in the browser host. */
    socklab?: LabApi
  }
}

export {}
