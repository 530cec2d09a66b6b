// The Electron app: one locked-down window whose renderer drives the engine through typed IPC.

import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import path from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, session, shell, type OpenDialogOptions, type SaveDialogOptions } from 'electron'
import { Lab } from '../engine/lab'
import { removeStaleFolders } from '../engine/capture/run-folders'
import { appVersion, sampleSiteDir } from '../engine/paths'
import { CONTENT_SECURITY_POLICY } from '../session/csp'
import { LabSession } from '../session/lab-session'
import { bindSessionToIpc, type IpcBinding } from './ipc'

const lab = new Lab()
/** The one window; the session's dialogs belong to it. */
let window: BrowserWindow | undefined
let binding: IpcBinding | undefined

const labSession = new LabSession({
  lab,
  facts: {
    host: 'electron',
    version: appVersion(),
    sampleSite: sampleSiteDir(),
    chooseFolder: async () => {
      const options: OpenDialogOptions = { title: 'Folder to serve', properties: ['openDirectory'] }
      const picked = await (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options))
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    exportPcapng: async (pcapng) => {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
      const options: SaveDialogOptions = {
        title: 'Save the capture for Wireshark',
        defaultPath: path.join(app.getPath('documents'), `socklab-${stamp}.pcapng`),
        filters: [{ name: 'pcapng (Wireshark)', extensions: ['pcapng'] }]
      }
      const picked = await (window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options))
      if (picked.canceled || !picked.filePath) return { kind: 'cancelled' }
      await pipeline(pcapng, createWriteStream(picked.filePath))
      return { kind: 'saved', path: picked.filePath }
    }
  }
})

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
  const created = new BrowserWindow({
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
  window = created
  created.once('ready-to-show', () => created.show())
  binding?.dispose()
  binding = bindSessionToIpc(ipcMain, labSession, created.webContents, isOwnUrl)
  created.on('closed', () => {
    binding?.dispose()
    binding = undefined
    if (window === created) window = undefined
  })
  if (devUrl) void created.loadURL(devUrl)
  else void created.loadFile(rendererFile)
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
  // What an earlier socklab killed before it could clean up left in the temp folder.
  removeStaleFolders()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  void Promise.all([lab.stopAll(), labSession.close()]).then(() => app.quit())
})

// Closing the terminal it was started from ends it as a quit does (capture stopped, folders removed).
process.once('SIGHUP', () => app.quit())

app.on('before-quit', () => {
  void lab.stopAll()
  void labSession.close()
})
