// The README's limits table is made from src/shared/limits.ts (and the preview limits in events.ts),
// so a limit is stated once: change a constant or its comment and this test prints the new table.

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as events from '../src/shared/events'
import * as limits from '../src/shared/limits'
import { ROOT } from './helpers/processes'

interface Row {
  names: string[]
  values: number[]
  comment: string
}

/** Each doc comment and the constants under it (a comment may cover a MIN and a MAX). */
function rowsOf(file: string, values: Record<string, unknown>, only?: RegExp): Row[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
  const rows: Row[] = []
  let comment = ''
  let open: Row | undefined
  let block: string[] | undefined
  for (const line of text.split('\n')) {
    const doc = /^\s*\/\*\*\s*(.*?)\s*\*\/\s*$/.exec(line)
    const constant = /^export const ([A-Z0-9_]+)\s*=/.exec(line)
    if (block) {
      // A comment over several lines: its text, joined into one.
      if (/\*\/\s*$/.test(line)) {
        comment = block.join(' ')
        block = undefined
        open = undefined
      } else block.push(line.replace(/^\s*\*\s?/, '').trim())
    } else if (/^\s*\/\*\*\s*$/.test(line)) block = []
    else if (doc) {
      comment = doc[1]
      open = undefined
    } else if (constant && typeof values[constant[1]] === 'number' && (!only || only.test(constant[1]))) {
      if (open) {
        open.names.push(constant[1])
        open.values.push(values[constant[1]] as number)
      } else rows.push((open = { names: [constant[1]], values: [values[constant[1]] as number], comment }))
    } else if (line.trim() === '') open = undefined
  }
  return rows
}

function show(name: string, value: number): string {
  if (name.endsWith('_MS')) return value >= 1000 ? `${value / 1000} s` : `${value} ms`
  if (/BYTES|BUDGET|HEAD$|LINE$|_FILE_MAX/.test(name)) {
    if (value >= 2 ** 20 && value % 2 ** 20 === 0) return `${value / 2 ** 20} MiB`
    if (value >= 1024 && value % 1024 === 0) return `${value / 1024} KiB`
    return `${value} bytes`
  }
  return value.toLocaleString('en-US')
}

export function limitsTable(): string {
  const rows = [...rowsOf('src/shared/limits.ts', limits), ...rowsOf('src/shared/events.ts', events, /^PREVIEW_|RING_SIZE/)]
  const lines = rows.map((r) => {
    const value = r.values.map((v, i) => show(r.names[i], v)).join(' .. ')
    return `| ${r.names.map((n) => `\`${n}\``).join(', ')} | ${value} | ${r.comment.replace(/\|/g, '\\|')} |`
  })
  return ['| limit | value | why |', '|---|---|---|', ...lines].join('\n')
}

describe('README limits table', () => {
  it('is exactly the table made from the constants the engine enforces', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const table = limitsTable()
    expect(readme.includes(table), `README.md must contain this table (paste it under "## Limits"):\n\n${table}\n`).toBe(true)
  })
})

describe('README file references', () => {
  it('every file or folder it names in backticks exists in the repository', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const named = [...readme.matchAll(/`((?:\.\.\/|\.ci\/|src\/|e2e\/|test\/|docs\/|bench\/|scripts\/)[\w./-]*)`/g)].map((m) => m[1])
    expect(named.length).toBeGreaterThan(5)
    expect(named.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([])
  })
})
