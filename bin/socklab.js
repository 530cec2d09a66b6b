#!/usr/bin/env node
// The `socklab` command: runs the built CLI (out/main/cli.js, made by `npm run build`).
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const root = path.dirname(__dirname)
const cli = path.join(root, 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  // On a lab PC the checkout is the technician's: a student cannot build it, only ask for it.
  let canBuild = true
  try {
    fs.accessSync(root, fs.constants.W_OK)
  } catch {
    canBuild = false
  }
  process.stderr.write(canBuild ? `ERROR: socklab is not built yet: run \`npm run build\` in ${root}\n` : `ERROR: socklab is not built: ask whoever installed it to run \`npm ci\` (or \`npm run build\`) in ${root}\n`)
  process.exit(1)
}
require(cli).main(process.argv.slice(2))
