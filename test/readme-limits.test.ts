// The README's limits table is the one place a lab technician reads what socklab refuses; it must
// state every limit the engine enforces, with the value in shared/limits.ts.

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as L from '../src/shared/limits'
import { ROOT } from './helpers/processes'

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const section = /^## Limits\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? ''

const kib = (n: number): string => `${n / 1024} KiB`
const mib = (n: number): string => `${n / 2 ** 20} MiB`
const s = (ms: number): string => `${ms / 1000} s`

describe('README limits table', () => {
  it.each([
    ['request line', kib(L.HTTP_MAX_REQUEST_LINE)],
    ['request head', kib(L.HTTP_MAX_HEAD)],
    ['header lines', String(L.HTTP_MAX_HEADER_LINES)],
    ['head deadline', s(L.HTTP_HEAD_DEADLINE_MS)],
    ['idle', s(L.HTTP_IDLE_MS)],
    ['send stall', s(L.HTTP_SEND_STALL_MS)],
    ['connections', String(L.HTTP_MAX_CONNECTIONS)],
    ['endpoints', String(L.MAX_ENDPOINTS_PER_LAB)],
    ['lab windows', String(L.MAX_VIEWERS)],
    ['slow window', mib(L.VIEWER_DROP_ABOVE_BYTES)],
    ['what may be served', '--dotfiles']
  ])('states the %s limit (%s)', (name, value) => {
    const row = section.split('\n').find((line) => line.startsWith('|') && line.toLowerCase().includes(name))
    expect(row, `no row for ${name} in README's "## Limits" table`).toBeDefined()
    expect(row).toContain(value)
  })
})

describe('README file references', () => {
  it('every file or folder it names in backticks exists in the repository', () => {
    const named = [...readme.matchAll(/`((?:\.\.\/|\.ci\/|src\/|e2e\/|test\/|docs\/|bench\/|scripts\/)[\w./-]*)`/g)].map((m) => m[1])
    expect(named.length).toBeGreaterThan(5)
    expect(named.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([])
  })
})
