// The user's settings file (src/session/user-settings.ts) on a real disk, in a private HOME, and
// the setLanguage verb through the real browser host: what one run saves, the next run's hostInfo says.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Lab } from '../../src/engine/lab'
import { readSettings, settingsFile, writeSettings } from '../../src/session/user-settings'
import { startBrowserHost, type BrowserHost } from '../../src/web-host/browser-host'
import { callVerb, labSocket } from '../helpers/lab-socket'

let home: string
const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME }

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-home-'))
  process.env.HOME = home
  delete process.env.XDG_CONFIG_HOME
})
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  fs.rmSync(home, { recursive: true, force: true })
})

describe('settingsFile', () => {
  it('is in XDG_CONFIG_HOME, else ~/.config, on Linux and macOS; in %APPDATA% on Windows', () => {
    expect(settingsFile({ HOME: '/home/ada' }, 'linux')).toBe('/home/ada/.config/socklab/settings.json')
    expect(settingsFile({ HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/socklab/settings.json')
    // A relative XDG_CONFIG_HOME is invalid by the spec: ignored.
    expect(settingsFile({ HOME: '/home/ada', XDG_CONFIG_HOME: 'rel' }, 'darwin')).toBe('/home/ada/.config/socklab/settings.json')
    expect(settingsFile({ HOME: 'C:\\Users\\ada', APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\ada\\AppData\\Roaming', 'socklab', 'settings.json'))
    expect(settingsFile()).toBe(path.join(home, '.config', 'socklab', 'settings.json'))
  })
})

describe('readSettings / writeSettings', () => {
  it('has nothing when there is no file, then reads back what was written, private to the user', () => {
    const file = settingsFile()
    expect(readSettings()).toEqual({})
    writeSettings({ language: 'it' })
    expect(readSettings()).toEqual({ language: 'it' })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0)
    writeSettings({ language: 'en' })
    expect(readSettings()).toEqual({ language: 'en' })
    // Atomic: no temporary file left beside it.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json'])
  })

  it('ignores a broken, foreign or unknown file, and a language socklab does not speak, without a crash', () => {
    const file = settingsFile()
    fs.mkdirSync(path.dirname(file), { recursive: true })
    for (const text of ['{"language": "it"', '[1,2]', 'null', '"it"', '{"language": "de"}', '{"language": 7}', '\u0000\u0001binary']) {
      fs.writeFileSync(file, text)
      expect(readSettings(), text).toEqual({})
    }
    // A folder where the file should be: nothing to read, and writing fails with an error, not a crash.
    fs.rmSync(file)
    fs.mkdirSync(file)
    expect(readSettings()).toEqual({})
    expect(() => writeSettings({ language: 'it' })).toThrow()
  })

  it('keeps the keys of a file of ours it does not know, and replaces a foreign one', () => {
    const file = settingsFile()
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ theme: 'dark', language: 'en' }))
    writeSettings({ language: 'it' })
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ theme: 'dark', language: 'it' })
    fs.writeFileSync(file, 'not json')
    writeSettings({ language: 'en' })
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ language: 'en' })
  })
})

describe('setLanguage through the browser host', () => {
  let host: BrowserHost | undefined
  let lab: Lab | undefined
  let renderer: string
  beforeEach(() => {
    renderer = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-renderer-'))
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>socklab</title>')
  })
  afterEach(async () => {
    await host?.close()
    await lab?.stopAll()
    fs.rmSync(renderer, { recursive: true, force: true })
  })
  const boot = async (): Promise<BrowserHost> => {
    lab = new Lab()
    host = await startBrowserHost({ lab, rendererDir: renderer, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
    return host
  }
  const query = (h: BrowserHost): string => `?token=${h.token}`

  it('is remembered per user: a second run of the host, on another port, says it in hostInfo', async () => {
    const first = await boot()
    const ws = await labSocket(first.port, query(first))
    expect(await callVerb(ws, 1, 'hostInfo', [])).toMatchObject({ reply: { ok: true, value: { host: 'browser' } } })
    expect(((await callVerb(ws, 2, 'hostInfo', [])) as { reply: { value: object } }).reply.value).not.toHaveProperty('language')
    expect(await callVerb(ws, 3, 'setLanguage', ['it'])).toMatchObject({ reply: { ok: true } })
    expect(await callVerb(ws, 4, 'hostInfo', [])).toMatchObject({ reply: { ok: true, value: { language: 'it' } } })
    ws.close()
    await host!.close()
    await lab!.stopAll()

    const second = await boot()
    expect(second.port).not.toBe(first.port)
    const ws2 = await labSocket(second.port, query(second))
    expect(await callVerb(ws2, 1, 'hostInfo', [])).toMatchObject({ reply: { ok: true, value: { language: 'it' } } })
    expect(await callVerb(ws2, 2, 'setLanguage', ['en'])).toMatchObject({ reply: { ok: true } })
    expect(readSettings()).toEqual({ language: 'en' })
    ws2.close()
  })

  it('refuses a language socklab does not speak, and anything else, leaving the file as it was', async () => {
    const h = await boot()
    const ws = await labSocket(h.port, query(h))
    await callVerb(ws, 1, 'setLanguage', ['it'])
    for (const [i, args] of [[['de']], [['pseudo']], [[]], [['it', 'en']], [[{ language: 'it' }]], [['../../etc']]].entries()) {
      expect(await callVerb(ws, 10 + i, 'setLanguage', args as unknown[]), JSON.stringify(args)).toMatchObject({ reply: { ok: false, code: 'EBADCALL' } })
    }
    expect(readSettings()).toEqual({ language: 'it' })
    ws.close()
  })
})
