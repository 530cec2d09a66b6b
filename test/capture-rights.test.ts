// A student's capture rights as Debian sets them up: dumpcap `root:wireshark 0754` with the
// capabilities to capture. A user created here (not in that group) runs `socklab watch` with
// SOCKLAB_WIRESHARK pointing at a copy of the tools made the three ways a lab PC can be: not
// installed, installed but not runnable by the user (not in the group), installed and runnable
// but not allowed to capture (no capabilities). Each gets its own sentence and fix, exit status 3.
// The machine's own /usr/bin/dumpcap is never changed (others use it meanwhile): the copies are.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findCaptureTools } from '../src/engine/capture/tools'
import { captureSkipReason, sleep } from './helpers/capture'
import { SOCKLAB, start } from './helpers/processes'

function cannotRun(): string | null {
  if (process.getuid?.() !== 0) return 'not root: cannot create a user'
  for (const tool of ['useradd', 'groupadd', 'runuser', 'setcap']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    } catch {
      return `${tool} is not installed`
    }
  }
  return null
}

const skip = (await captureSkipReason()) ?? cannotRun()
if (skip) console.warn(`capture rights test skipped: ${skip}`)

const tag = `${process.pid % 100000}`
const user = `slstu${tag}`
const group = `slws${tag}`
let root = ''
const dirs = { missing: '', group: '', nocaps: '' }

beforeAll(() => {
  if (skip) return
  const real = findCaptureTools()
  if (!real.found) throw new Error('no tools')
  execFileSync('groupadd', [group])
  // No group of its own (-N: the default group), no home: a student outside `group`.
  execFileSync('useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', '-d', '/nonexistent', user])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-rights-'))
  fs.chmodSync(root, 0o755)
  for (const name of Object.keys(dirs) as (keyof typeof dirs)[]) {
    dirs[name] = path.join(root, name)
    fs.mkdirSync(dirs[name], { mode: 0o755 })
  }
  fs.mkdirSync(path.join(root, 'home'), { mode: 0o777 })
  fs.chmodSync(path.join(root, 'home'), 0o777)
  for (const dir of [dirs.group, dirs.nocaps]) {
    fs.copyFileSync(real.tools.dumpcap, path.join(dir, 'dumpcap'))
    fs.copyFileSync(real.tools.tshark, path.join(dir, 'tshark'))
    fs.chmodSync(path.join(dir, 'tshark'), 0o755)
    fs.chmodSync(path.join(dir, 'dumpcap'), 0o755)
  }
  // Debian's "non-superusers may capture": root:wireshark 0754, with the capabilities to capture.
  const dumpcap = path.join(dirs.group, 'dumpcap')
  execFileSync('chgrp', [group, dumpcap])
  fs.chmodSync(dumpcap, 0o754)
  execFileSync('setcap', ['cap_net_raw,cap_net_admin+eip', dumpcap])
})

afterAll(() => {
  if (skip) return
  if (root) fs.rmSync(root, { recursive: true, force: true })
  execFileSync('sh', ['-c', `userdel ${user} 2>/dev/null; groupdel ${group} 2>/dev/null; true`])
})

/** `socklab watch` as the student (runuser gives it the user's own groups), with SOCKLAB_WIRESHARK=`dir`; `asGroup` makes `group` its primary group instead. */
async function watchAs(dir: string, asGroup = false, lang?: string): Promise<{ code: number | null; stderr: string; watching: boolean }> {
  const env = `SOCKLAB_WIRESHARK=${dir}`
  const home = `HOME=${path.join(root, 'home')}`
  // `lang`: the student's locale (LC_ALL decides over whatever the test runner has).
  const locale = lang ? [`LC_ALL=${lang}`] : []
  const p = start('runuser', ['-u', user, ...(asGroup ? ['-g', group] : []), '--', 'env', env, home, ...locale, process.execPath, SOCKLAB, 'watch', '-p', '9'], '')
  const end = Date.now() + 20_000
  let watching = false
  while (p.child.exitCode === null && Date.now() < end) {
    if (/^Watching /m.test(p.stderr())) {
      watching = true
      p.child.kill('SIGINT')
      break
    }
    await sleep(25)
  }
  const code = await p.exited
  return { code, stderr: p.stderr(), watching }
}

describe.skipIf(skip)("a student's capture rights: three cases, three sentences", { timeout: 60_000 }, () => {
  it('not installed, installed but not runnable, runnable but may not capture; each with its fix, exit status 3', async () => {
    const missing = await watchAs(dirs.missing)
    expect(missing.code).toBe(3)
    expect(missing.stderr).toBe(`Starting the capture on lo…\nERROR: Packet capture needs dumpcap and tshark, which are not in ${dirs.missing} (the folder SOCKLAB_WIRESHARK names): point it at Wireshark's folder, or unset it to search PATH.\n`)

    // Not "not installed" (a technician would reinstall): the group is the fix.
    const notInGroup = await watchAs(dirs.group)
    expect(notInGroup.code).toBe(3)
    expect(notInGroup.stderr).toBe(
      `Starting the capture on lo…\nERROR: ${dirs.group}/dumpcap is installed, but you may not run it: only the group ${group} may, and your login (${user}) is not in it: run \`sudo usermod -aG ${group} ${user}\`, then log out and in again (reinstalling would not help).\n`
    )

    const noCaps = await watchAs(dirs.nocaps)
    expect(noCaps.code).toBe(3)
    expect(noCaps.stderr).toBe(
      // A copy outside Debian's package (SOCKLAB_WIRESHARK): dpkg-reconfigure would not touch it; its own file needs the capabilities.
      `Starting the capture on lo…\nERROR: You may not capture packets on this machine yet: ${dirs.nocaps}/dumpcap runs, but may not capture for users other than root: give that file the capture capabilities with \`sudo setcap cap_net_raw,cap_net_admin+eip ${dirs.nocaps}/dumpcap\` (dpkg-reconfigure sets up only Debian's own /usr/bin/dumpcap); socklab never runs as root itself.\n`
    )
  })

  it('an Italian student reads the same sentences in Italian, the login, the group and the files as they are', async () => {
    const notInGroup = await watchAs(dirs.group, false, 'it_IT.UTF-8')
    expect(notInGroup.code).toBe(3)
    expect(notInGroup.stderr).toContain(
      `${dirs.group}/dumpcap è installato, ma non hai il permesso di eseguirlo: può farlo solo il gruppo ${group}, e il tuo utente (${user}) non ne fa parte: esegui \`sudo usermod -aG ${group} ${user}\`, poi esci e rientra nella sessione (reinstallarlo non servirebbe).\n`
    )
    const noCaps = await watchAs(dirs.nocaps, false, 'it_IT.UTF-8')
    expect(noCaps.code).toBe(3)
    expect(noCaps.stderr).toContain(
      `Non puoi ancora catturare pacchetti su questa macchina: ${dirs.nocaps}/dumpcap si avvia, ma può catturare solo per root: dai a quel file i permessi di cattura con \`sudo setcap cap_net_raw,cap_net_admin+eip ${dirs.nocaps}/dumpcap\` (dpkg-reconfigure configura solo /usr/bin/dumpcap di Debian); socklab non si avvia mai come root.\n`
    )
    expect(noCaps.stderr).not.toContain('You may not capture')
  })

  it('the same tools, for a student in the group: capture works (the setup is the real one)', async () => {
    const inGroup = await watchAs(dirs.group, true)
    expect(inGroup.stderr).toMatch(/^Watching port 9 /m)
    expect(inGroup.watching).toBe(true)
    expect(inGroup.code).toBe(0)
  })
})

describe('finding tools this user may not run', () => {
  it('a dumpcap that is there but not runnable is "not runnable", never "missing"', () => {
    const installed = ['/usr/bin/dumpcap', '/usr/bin/tshark']
    const lookup = findCaptureTools({ platform: 'linux', env: { PATH: '/bin' }, isExecutable: (f) => f === '/usr/bin/tshark', exists: (f) => installed.includes(f) })
    expect(lookup).toEqual({ found: false, missing: [], notRunnable: ['/usr/bin/dumpcap'], searched: ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/snap/bin'] })
    // One that is runnable further along the search wins.
    const later = findCaptureTools({ platform: 'linux', env: { PATH: '/opt/ws' }, isExecutable: (f) => f !== '/opt/ws/dumpcap' && installed.concat('/opt/ws/dumpcap').includes(f), exists: (f) => installed.concat('/opt/ws/dumpcap').includes(f) })
    expect(later).toEqual({ found: true, tools: { dumpcap: '/usr/bin/dumpcap', tshark: '/usr/bin/tshark' } })
  })
})
