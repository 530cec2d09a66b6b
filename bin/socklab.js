#!/usr/bin/env node
// The `socklab` command: runs the built CLI (out/main/cli.js, made by `npm run build`).
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write(`ERROR: socklab is not built yet: run \`npm run build\` in ${path.dirname(__dirname)}\n`)
  process.exit(1)
}
require(cli).main(process.argv.slice(2))
