// What socklab remembers for a user between runs (today: the window's language). The browser host
// listens on a new port every run, so the page's localStorage (one per origin) forgets; this file,
// in the user's config folder, does not. Electron's main and the browser host share it through
// the session's handlers. A missing, broken or foreign file is as good as none: never a crash.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { LANGS, type Lang } from '../shared/i18n/resources'

export interface UserSettings {
  language?: Lang
}

/** The settings file: $XDG_CONFIG_HOME/socklab (or ~/.config/socklab) on Linux and macOS, %APPDATA%\socklab on Windows. */
export function settingsFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || os.homedir()
  const base =
    platform === 'win32'
      ? env.APPDATA || path.join(env.USERPROFILE || home, 'AppData', 'Roaming')
      : env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
        ? env.XDG_CONFIG_HOME
        : path.join(home, '.config')
  return path.join(base, 'socklab', 'settings.json')
}

const isLang = (x: unknown): x is Lang => typeof x === 'string' && (LANGS as string[]).includes(x)

/** What the file says that socklab understands; anything else in it (or no file) is left out. */
export function readSettings(file = settingsFile()): UserSettings {
  let parsed: unknown
  try {
    // A settings file is a few bytes: anything large is not ours.
    if (fs.statSync(file).size > 64 * 1024) return {}
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const language = (parsed as Record<string, unknown>).language
  return isLang(language) ? { language } : {}
}

/**
 * Merges `change` into the file: written whole to a private temporary file beside it (mode 0600)
 * and renamed over it, so a crash or a second socklab never leaves half a file. Keys socklab does
 * not know are kept only when the file was ours (a JSON object).
 */
export function writeSettings(change: UserSettings, file = settingsFile()): void {
  let old: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) old = parsed as Record<string, unknown>
  } catch {
    // none yet, or not ours: replaced
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  try {
    fs.writeFileSync(temp, JSON.stringify({ ...old, ...change }, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
    fs.renameSync(temp, file)
  } catch (err) {
    fs.rmSync(temp, { force: true })
    throw err
  }
}
