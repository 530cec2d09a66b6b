// `npm start`: launch the desktop app. The Electron binary is not fetched at install time (its
// download comes from outside the npm registry), so fetch it here on first start; where that is
// impossible, say so in one sentence and point to the browser host.

import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const electronDir = path.join(root, 'node_modules', 'electron')

// The words come from the CLI's catalog (src/shared/i18n/locales/<lang>/cli.json), in the language
// the environment asks for, read as src/shared/i18n/i18n.ts langOfEnv reads it: this script runs
// before any build, so it reads the JSON itself. Keys are written literally for npm run i18n:check.
const LANGS = ['en', 'it']
const langOf = (tag) => {
  const base = tag?.trim().split(/[-_.@]/)[0]?.toLowerCase()
  return LANGS.includes(base) ? base : undefined
}
function langOfEnv(env) {
  if (env.LC_ALL) return langOf(env.LC_ALL) ?? 'en'
  if (env.LANGUAGE && env.LC_MESSAGES !== 'C' && env.LANG !== 'C') {
    for (const tag of env.LANGUAGE.split(':')) if (langOf(tag)) return langOf(tag)
  }
  if (env.LC_MESSAGES) return langOf(env.LC_MESSAGES) ?? 'en'
  return langOf(env.LANG) ?? 'en'
}
const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(root, 'src', 'shared', 'i18n', 'locales', lang, 'cli.json'), 'utf8'))
const catalogs = [catalog(langOfEnv(process.env)), catalog('en')]
/** A key of the cli catalog (written in full, with its namespace), its sentence with the params filled in. */
function t(key, params = {}) {
  const path_ = key.replace(/^cli:/, '').split('.')
  for (const words of catalogs) {
    const text = path_.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), words)
    if (typeof text === 'string') return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => `${params[name] ?? ''}`)
  }
  return key
}

/** The binary electron's own index.js would return, or null where it is not installed. */
function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name)
    return fs.existsSync(bin) ? bin : null
  }
  const pathFile = path.join(electronDir, 'path.txt')
  if (!fs.existsSync(pathFile)) return null
  const bin = path.join(electronDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim())
  return fs.existsSync(bin) ? bin : null
}

function giveUp(why) {
  console.error(t('cli:start.cannot', { why, web: 'npx socklab web' }))
  process.exit(1)
}

/** install.js's failure in words: a machine without the way out to GitHub is the usual case. */
function whyNotFetched(stderr) {
  if (/fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo/i.test(stderr)) return t('cli:start.why.unreachable')
  const line = stderr.split('\n').find((l) => /error/i.test(l))?.trim()
  return line ? t('cli:start.why.said', { line }) : t('cli:start.why.failed')
}

let binary = electronBinary()
if (!binary) {
  if (!fs.existsSync(path.join(electronDir, 'install.js'))) giveUp(t('cli:start.noPackage', { install: 'npm install' }))
  console.log(t('cli:start.fetching'))
  // install.js honours electron_config_cache and ELECTRON_MIRROR, which serve a lab installed from a local copy.
  const fetched = spawnSync(process.execPath, ['install.js'], { cwd: electronDir, encoding: 'utf8', timeout: 300_000 })
  binary = fetched.status === 0 ? electronBinary() : null
  if (!binary) giveUp(t('cli:start.notDownloaded', { why: whyNotFetched(`${fetched.stderr ?? ''}`) }))
}

if (!fs.existsSync(path.join(root, 'out', 'main', 'index.js'))) {
  const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

// Chromium refuses to run as root with its sandbox on; the renderer stays context-isolated and sandboxed by Electron.
const args = [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...process.argv.slice(2)]
const app = spawn(binary, args, { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } })
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => app.kill(sig))
