// Which LabApi this window has: the preload's in Electron, the WebSocket client in a browser.

import type { LabApi } from '../../../shared/contract'
import type { Said } from '../../../shared/i18n/said'
import { connectWsLabApi } from './ws-lab-api'

export function openLabApi(onLost: (reason: Said) => void): Promise<LabApi> {
  return window.socklab ? Promise.resolve(window.socklab) : connectWsLabApi(onLost)
}
