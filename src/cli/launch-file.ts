// The hand-over of the lab's address to the browser: a page in a private folder that sends the
// browser on to the address with its token. The opener (and the browser it starts) gets only the
// path of that page, so the token is in no process's arguments, which every user of the machine can
// read (`ps -eo args`). The folder is the user's own (mode 0700, in the per-user temp folder on
// macOS and Windows) and the page is 0600: another user sees a path they cannot open.

import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { removeRunFolder, runFolder } from '../engine/capture/run-folders'
import { cliLang, cliWords } from './words'

export interface LaunchFile {
  /** file:// address of the page: what the opener may show to everyone. */
  href: string
  /** Removes the page and its folder (idempotent): once the host stops the token is dead anyway. */
  remove(): void
}

export function writeLaunchFile(url: string): LaunchFile {
  // mkdtemp makes a fresh folder with mode 0700 that no other user could have prepared; as a run
  // folder, it goes with a socklab killed before it could remove it (the watchdog, or the next start).
  const dir = runFolder('launch')
  const file = path.join(dir, 'open-socklab.html')
  fs.writeFileSync(file, launchPage(url), { mode: 0o600, flag: 'wx' })
  return { href: pathToFileURL(file).href, remove: () => removeRunFolder(dir) }
}

/** A page that goes on to `url` at once (no script needed) and offers a link where refresh is off, in the CLI's language. */
export function launchPage(url: string): string {
  const at = escapeHtml(url)
  const t = cliWords()
  return `<!doctype html>
<html lang="${escapeHtml(cliLang())}"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${at}">
<title>socklab</title></head>
<body><p><a href="${at}">${escapeHtml(t('cli:launch.open'))}</a></p></body></html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
