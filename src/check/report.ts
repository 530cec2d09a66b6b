// A check's result in words: the checklist a student reads (✓/✗ per item, one "expected …,
// saw …" line under each ✗, the score), or the JSON of Gradescope's autograders (`score`,
// `max_score`, `tests[]` with `name`, `score`, `max_score`, `output`), in the chosen language.
// The course programs' lines, the bytes and the protocol tokens in it are data, never translated.

import type { TFunction } from 'i18next'
import type { Namespace } from '../shared/i18n/resources'
import { say, type Said } from '../shared/i18n/said'
import type { CheckResult, ItemResult, Title } from './runner'

type T = TFunction<Namespace[]>

export function titleText(t: T, lang: string, title: Title): string {
  if ('key' in title) return (t as (k: string) => string)(title.key)
  return title.own[lang] ?? title.own.en
}

const sayIt = (t: T, s: Said): string => say(t as TFunction, s)

/** The one line under an item that did not pass (or, for a pass, how it passed, when that matters). */
export function detailLine(t: T, lang: string, i: ItemResult): string | undefined {
  if (i.status === 'skipped') return t('check:report.skipped', { gate: titleText(t, lang, i.gateTitle!) })
  const v = i.verdict!
  if (i.status === 'fail') return t('check:report.expectedSaw', { expected: sayIt(t, v.expected!), saw: sayIt(t, v.saw!) })
  return v.note ? sayIt(t, v.note) : undefined
}

const points = (n: number): string => String(Math.round(n * 100) / 100)

export function renderText(t: T, lang: string, r: CheckResult): string {
  const lines: string[] = []
  lines.push(t('check:report.heading', { check: r.check, where: r.where }))
  if (r.command) lines.push(t('check:report.command', { command: r.command }))
  for (const p of r.problems) lines.push(`✗ ${t('check:report.brokenCase', { file: p.file, problem: sayIt(t, p.problem) })}`)
  for (const i of r.items) {
    const mark = i.status === 'pass' ? '✓' : i.status === 'fail' ? '✗' : '–'
    const gate = i.gate ? ` ${t('check:report.gate')}` : ''
    lines.push(`${mark} ${titleText(t, lang, i.title)} [${i.id}]${gate} ${points(i.status === 'pass' ? i.weight : 0)}/${points(i.weight)}`)
    const d = detailLine(t, lang, i)
    if (d) lines.push(`    ${d}`)
  }
  lines.push(t('check:report.score', { score: points(r.score), max: points(r.maxScore) }))
  lines.push(r.passed ? t('check:report.allPassed') : t('check:report.notAllPassed', { count: r.items.filter((i) => i.status !== 'pass').length + r.problems.length }))
  return `${lines.join('\n')}\n`
}

/** Gradescope's autograder results (results.json): one test per item, and one per broken case file (0 points, its error). */
export interface GradescopeResults {
  score: number
  max_score: number
  output: string
  tests: Array<{ name: string; score: number; max_score: number; output: string; status: 'passed' | 'failed' }>
}

export function renderJson(t: T, lang: string, r: CheckResult): GradescopeResults {
  const tests: GradescopeResults['tests'] = r.problems.map((p) => ({ name: p.file, score: 0, max_score: 0, output: t('check:report.brokenCase', { file: p.file, problem: sayIt(t, p.problem) }), status: 'failed' }))
  for (const i of r.items) {
    const d = detailLine(t, lang, i)
    const mark = i.status === 'pass' ? '✓' : '✗'
    tests.push({
      name: `${titleText(t, lang, i.title)} [${i.caseId}/${i.id}]`,
      score: i.status === 'pass' ? i.weight : 0,
      max_score: i.weight,
      output: `${mark} ${i.caseId}/${i.id}${d ? `: ${d}` : ''}`,
      status: i.status === 'pass' ? 'passed' : 'failed'
    })
  }
  const summary = [t('check:report.heading', { check: r.check, where: r.where }), ...(r.command ? [t('check:report.command', { command: r.command })] : [])].join('\n')
  return { score: r.score, max_score: r.maxScore, output: summary, tests }
}
