// The Electron app: one locked-down window whose renderer drives the engine through typed IPC.

import fs from 'node:fs/promises'
import path from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../session/csp'
import { createLabHandlers } from '../session/handlers'
import { appVersion, sampleSiteDir } from '../engine/paths'
import { LabCapture } from '../session/lab-capture'
import { bindLabToIpc, type IpcBinding } from './ipc'
import { Lab } from '../engine/lab'

const lab = new Lab()
const capture = new LabCapture(lab)
let binding: IpcBinding | undefined

/** The renderer's own pages: the built file, or electron-vite's dev server in `npm run dev`. */
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const rendererFile = path.join(__dirname, '../renderer/index.html')
function isOwnUrl(url: string): boolean {
  if (devUrl) return url.startsWith(devUrl)
  try {
    return new URL(url).protocol === 'file:' && path.resolve(decodeURIComponent(new URL(url).pathname)) === path.resolve(rendererFile)
  } catch {
    return false
  }
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'socklab',
    backgroundColor: '#101418',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  window.once('ready-to-show', () => window.show())
  const handlers = createLabHandlers(lab, {
    host: 'electron',
    version: appVersion(),
    sampleSite: sampleSiteDir(),
    chooseFolder: async () => {
      const picked = await dialog.showOpenDialog(window, { title: 'Folder to serve', properties: ['openDirectory'] })
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    exportPcapng: async (pcapng) => {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
      const picked = await dialog.showSaveDialog(window, {
        title: 'Save the capture for Wireshark',
        defaultPath: path.join(app.getPath('documents'), `socklab-${stamp}.pcapng`),
        filters: [{ name: 'pcapng (Wireshark)', extensions: ['pcapng'] }]
      })
      if (picked.canceled || !picked.filePath) return { kind: 'cancelled' }
      await fs.writeFile(picked.filePath, pcapng)
      return { kind: 'saved', path: picked.filePath }
    }
  }, capture)
  binding?.dispose()
  binding = bindLabToIpc(ipcMain, lab, handlers, window.webContents, isOwnUrl, capture)
  window.on('closed', () => {
    binding?.dispose()
    binding = undefined
  })
  if (devUrl) void window.loadURL(devUrl)
  else void window.loadFile(rendererFile)
}

/** No navigation away from our page, no new windows, no permissions: the window is the lab, nothing else. */
function lockDown(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      // Links a student clicks in the sample site's listing are not ours to open; the OS browser may.
      if (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

app.whenReady().then(() => {
  lockDown()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  void Promise.all([lab.stopAll(), capture.dispose()]).then(() => app.quit())
})

app.on('before-quit', () => {
  void lab.stopAll()
  void capture.dispose()
})
