// `npm start` where the Electron binary cannot be fetched: one sentence in plain words that names
// the browser host, never a JavaScript error. The download is pointed at a closed loopback port,
// so it fails the same way on every machine.

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, ROOT, run } from './helpers/processes'

const installed = fs.existsSync(path.join(ROOT, 'node_modules', 'electron', 'dist'))

describe.skipIf(installed)('npm start without the Electron binary', () => {
  it('says the binary could not be downloaded and names npx socklab web, in words a student reads', async () => {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, LANG: 'en_US.UTF-8' }
    delete env.ELECTRON_OVERRIDE_DIST_PATH
    delete env.LC_ALL
    delete env.LC_MESSAGES
    delete env.LANGUAGE
    const r = await run(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], '', 60_000, { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^socklab cannot start the desktop app: the Electron binary is not installed and could not be downloaded here \(.+\); run `npx socklab web`/)
    expect(r.stderr).not.toMatch(/[A-Za-z]*Error:|fetch failed|ECONNREFUSED|ENOTFOUND|at .*\.js:\d+/)
  })

  it('speaks Italian under LANG=it_IT.UTF-8, from the cli catalog, as the CLI does', async () => {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, LANG: 'it_IT.UTF-8' }
    delete env.ELECTRON_OVERRIDE_DIST_PATH
    delete env.LC_ALL
    delete env.LC_MESSAGES
    delete env.LANGUAGE
    const r = await run(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], '', 60_000, { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Scarico il programma Electron (solo al primo avvio)')
    expect(r.stderr).toMatch(/^socklab non può avviare l’app desktop: il programma Electron non è installato e qui non si può scaricare \(.+\); esegui `npx socklab web`/)
    expect(r.stderr).not.toMatch(/cannot|could not|download said|Fetching/)
    // LC_ALL decides over LANG, as for every program on the machine.
    const c = await run(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], '', 60_000, { env: { ...env, LC_ALL: 'C' } })
    expect(c.stderr).toMatch(/^socklab cannot start the desktop app: /)
  })
})
