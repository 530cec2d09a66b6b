// Where the app's own files are, from the built output (out/main) or from the sources (tests).

import fs from 'node:fs'
import path from 'node:path'

let root: string | undefined

/** The folder holding socklab's package.json. */
export function appRoot(): string {
  if (root) return root
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json')
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'socklab') return (root = dir)
    if (path.dirname(dir) === dir) throw new Error(`cannot find socklab's package.json above ${__dirname}`)
  }
}

export const rendererDir = (): string => path.join(appRoot(), 'out', 'renderer')
/** The sample site: one folder per language (en/, it/) with the same files; the HTTP lab serves the window's. */
export const sampleSiteDir = (): string => path.join(appRoot(), 'resources', 'sample-site')
export const appVersion = (): string => JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')).version
