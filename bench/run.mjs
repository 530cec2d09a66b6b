// npm run bench [-- http tcp events]: socklab against peers started here, in the same run.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchEvents } from './events.mjs'
import { benchHttp } from './http.mjs'
import { ROOT, SOCKLAB, killAll } from './lib.mjs'
import { benchTcp } from './tcp.mjs'

const SECTIONS = { http: benchHttp, tcp: benchTcp, events: benchEvents }
const chosen = process.argv.slice(2).filter((a) => a in SECTIONS)
const run = chosen.length ? chosen : Object.keys(SECTIONS)

if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) {
  console.error('ERROR: socklab is not built: run npm run build first')
  process.exit(1)
}

/** First line a tool prints about its version (nginx and wrk print it on stderr, wrk exits 1). */
const version = (cmd, args) => {
  try {
    return execFileSync('sh', ['-c', `${cmd} ${args.join(' ')} 2>&1 || true`], { encoding: 'utf8' }).split('\n')[0].trim() || `${cmd}: not installed`
  } catch {
    return `${cmd}: not installed`
  }
}
console.log(`socklab bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`)
console.log(`peers: ${version('python3', ['--version'])}; ${version('nginx', ['-v'])}; ${version('wrk', ['-v'])}; curl ${version('curl', ['--version']).split(' ')[1]}`)
console.log(`socklab: ${SOCKLAB}; sections: ${run.join(', ')}`)

const results = { when: new Date().toISOString(), node: process.version, cores: os.cpus().length }
try {
  for (const name of run) await SECTIONS[name](results)
} finally {
  killAll()
}
const out = path.join(ROOT, 'bench', 'results')
fs.mkdirSync(out, { recursive: true })
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2))
console.log(`\nresults written to bench/results/latest.json`)
