// `socklab web`: the lab window in a browser, for machines without the Electron binary.

import fs from 'node:fs'
import path from 'node:path'
import { appVersion, rendererDir, sampleSiteDir } from '../engine/paths'
import { Lab } from '../engine/lab'
import { removeStaleFolders } from '../engine/capture/run-folders'
import { startBrowserHost } from '../web-host/browser-host'
import type { Options } from './args'
import { writeLaunchFile, type LaunchFile } from './launch-file'
import { openInBrowser } from './open-browser'
import { said } from '../shared/i18n/said'
import { cliWords, SaidError } from './words'

export async function runBrowserHost(o: Options): Promise<number> {
  const dir = rendererDir()
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new SaidError(said('cli:web.notBuilt', { dir }))
  }
  // What an earlier socklab killed before it could clean up left in the temp folder.
  removeStaleFolders()
  const lab = new Lab()
  const host = await startBrowserHost({
    lab,
    rendererDir: dir,
    port: o.port,
    address: o.family === 'IPv6' ? '::1' : '127.0.0.1',
    facts: { version: appVersion(), sampleSite: sampleSiteDir() }
  })
  // Tests and scripts read the address from this line: in every language it ends the line, after a space.
  const t = cliWords()
  process.stdout.write(`${t('cli:web.running', { version: appVersion(), url: host.url })}\n`)
  process.stdout.write(`${t('cli:web.private')}\n`)
  // The browser is given a private page that holds the address, never the address itself:
  // a command line (the opener's, the browser's) is readable by every user of the machine.
  let launch: LaunchFile | undefined
  if (o.open) {
    const cannot = (): void => {
      launch?.remove()
      process.stdout.write(`${t('cli:web.noBrowser')}\n`)
    }
    try {
      launch = writeLaunchFile(host.url)
      openInBrowser(launch.href, cannot)
    } catch {
      cannot()
    }
  }
  process.once('exit', () => launch?.remove())
  return new Promise((resolve) => {
    const shutdown = (): void => {
      launch?.remove()
      void Promise.all([lab.stopAll(), host.close()]).then(() => resolve(0))
    }
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
    // A closed terminal window (the usual way to quit on a lab PC): the same clean stop.
    process.once('SIGHUP', shutdown)
  })
}
