// `npx socklab` on a lab PC: the technician installed the checkout as root, and a student (here
// `nobody`, who cannot write it) runs the command there. npx used to install the folder into the
// student's npx cache, whose build (and chmod of the launcher) failed, and exit 1 without a word.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unprivilegedSkipReason } from './helpers/capture'
import { langEnv, ROOT, run, type Finished } from './helpers/processes'

/** What the technician's checkout holds besides node_modules and out/ (enough for its own build). */
const CHECKOUT = ['package.json', 'package-lock.json', 'bin', 'scripts', 'src', 'resources', 'electron.vite.config.ts', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json']

const skip = unprivilegedSkipReason('npx')
if (skip) console.warn(`lab PC npx test skipped: ${skip}`)

// npm's own settings from a parent `npm test` would point the student's npm at root's.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(langEnv('en')).filter(([k]) => !/^npm_/i.test(k)))
env.npm_config_update_notifier = 'false'

let lab = ''
let checkout = ''

function tempFolder(parent: string, name: string, mode: number): string {
  const dir = path.join(parent, name)
  fs.mkdirSync(dir)
  fs.chmodSync(dir, mode)
  return dir
}

/** Runs `command` in `cwd` with its own HOME (so its own npx cache), as `nobody` or as root. */
function runIn(cwd: string, command: string[], as: 'nobody' | 'root'): Promise<Finished> {
  const home = fs.mkdtempSync(path.join(lab, 'home-'))
  fs.chmodSync(home, 0o777)
  const inCwd = ['env', '-C', cwd, `HOME=${home}`, ...command]
  const args = as === 'nobody' ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...inCwd] : inCwd
  return run('setpriv', args, '', 40_000, { env })
}

beforeAll(async () => {
  if (skip) return
  expect(fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js')), 'build socklab first (npm run build)').toBe(true)
  lab = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-lab-pc-'))
  fs.chmodSync(lab, 0o755)
  checkout = tempFolder(lab, 'socklab', 0o755)
  for (const entry of CHECKOUT) fs.cpSync(path.join(ROOT, entry), path.join(checkout, entry), { recursive: true })
  // The dependencies npm ci would install: the ones the program runs with copied (this checkout's
  // own folder may be closed to nobody), the build tools linked; .bin as npm made it.
  const modules = fs.realpathSync(path.join(ROOT, 'node_modules'))
  const ownModules = tempFolder(checkout, 'node_modules', 0o755)
  const runtime = new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies))
  for (const name of fs.readdirSync(modules).filter((n) => !n.startsWith('.'))) {
    if (runtime.has(name)) fs.cpSync(path.join(modules, name), path.join(ownModules, name), { recursive: true, dereference: true })
    else fs.symlinkSync(path.join(modules, name), path.join(ownModules, name))
  }
  const bin = tempFolder(ownModules, '.bin', 0o755)
  for (const name of fs.readdirSync(path.join(modules, '.bin')).filter((n) => n !== 'socklab')) fs.symlinkSync(fs.readlinkSync(path.join(modules, '.bin', name)), path.join(bin, name))
  // The technician's build, copied after the sources so that it is newer, as after npm ci.
  fs.cpSync(path.join(ROOT, 'out'), path.join(checkout, 'out'), { recursive: true })
  // The rest of the technician's npm ci: its prepare script, as root.
  const prepared = await runIn(checkout, ['npm', 'run', 'prepare'], 'root')
  expect(prepared.code, prepared.stderr).toBe(0)
}, 60_000)

afterAll(() => {
  if (lab) fs.rmSync(lab, { recursive: true, force: true })
})

describe.skipIf(skip)('npx socklab in a checkout that root installed', () => {
  it('a student who cannot write the checkout gets the built program', async () => {
    const cannotWrite = await runIn(checkout, ['test', '-w', '.'], 'nobody')
    expect(cannotWrite.code).not.toBe(0)
    const r = await runIn(checkout, ['npx', 'socklab', '--help'], 'nobody')
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^Usage: socklab <program>/)
    expect(r.code).toBe(0)
  }, 45_000)

  it('root runs the built program without building it again', async () => {
    const cli = path.join(checkout, 'out', 'main', 'cli.js')
    const before = fs.statSync(cli).mtimeMs
    const r = await runIn(checkout, ['npx', 'socklab', '--help'], 'root')
    expect(r.stdout).toMatch(/^Usage: socklab <program>/)
    expect(r.code).toBe(0)
    expect(fs.statSync(cli).mtimeMs).toBe(before)
  }, 45_000)

  it('never built: the student reads in one sentence whom to ask, and where', async () => {
    fs.rmSync(path.join(checkout, 'out'), { recursive: true })
    const r = await runIn(checkout, ['npx', 'socklab', '--help'], 'nobody')
    expect(r.stderr).toBe(`ERROR: socklab is not built: ask whoever installed it to run \`npm ci\` (or \`npm run build\`) in ${checkout}\n`)
    expect(r.stdout).toBe('')
    expect(r.code).toBe(1)
  }, 45_000)
})
