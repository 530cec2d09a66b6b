// package.json's `prepare` (run by npm ci and npm install): build the app when out/ is missing or
// older than the sources, and put the `socklab` command in node_modules/.bin.
//
// Why not package.json's "bin": with it, `npx socklab` in the checkout installs the folder into
// the user's own npx cache, which chmods bin/socklab.js and runs this script again. On a lab PC
// the checkout is the technician's, so for a student both fail and npx exits 1 without a word.
// npx runs a command it finds in node_modules/.bin directly, as the user, with no install.

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

/** What one build writes, one file per electron-vite target. */
const BUILT = ['out/main/cli.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']
/** What the build reads. Folders count too: a deleted file changes its folder's time. */
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json']

function newestTime(p) {
  let stat
  try {
    stat = fs.statSync(p)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  return fs.readdirSync(p).reduce((t, name) => Math.max(t, newestTime(path.join(p, name))), stat.mtimeMs)
}

function oldestBuiltTime() {
  let oldest = Infinity
  for (const file of BUILT) {
    try {
      oldest = Math.min(oldest, fs.statSync(path.join(root, file)).mtimeMs)
    } catch {
      return -Infinity
    }
  }
  return oldest
}

function buildIfStale() {
  if (oldestBuiltTime() >= Math.max(...SOURCES.map((s) => newestTime(path.join(root, s))))) return
  // The same build as `npm run build`, started through node so that it needs no shell and no PATH.
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('electron-vite/package.json')
  const build = spawnSync(process.execPath, [path.join(path.dirname(manifest), require(manifest).bin['electron-vite']), 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) {
    if (build.error) console.error(`socklab could not start its build: ${build.error.message}`)
    process.exit(build.status ?? 1)
  }
}

function linkCommand() {
  const binDir = path.join(root, 'node_modules', '.bin')
  const launcher = path.join(root, 'bin', 'socklab.js')
  fs.mkdirSync(binDir, { recursive: true })
  if (process.platform === 'win32') {
    fs.writeFileSync(path.join(binDir, 'socklab.cmd'), `@node "${launcher}" %*\r\n`)
    return
  }
  const link = path.join(binDir, 'socklab')
  fs.rmSync(link, { force: true })
  fs.symlinkSync(path.relative(binDir, launcher), link)
}

buildIfStale()
linkCommand()
