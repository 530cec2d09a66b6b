// The Check panel's verb: grades a server the student started outside socklab, by its address and
// port, with socklab's own server checks (src/check). It starts no program (argv is always empty):
// a page may only ask socklab to play the client. One check at a time per host.

import type { CheckServerRequest, CheckServerResult } from '../shared/contract'
import { runCheck } from '../check/runner'
import { SetupError } from '../check/play-server'
import { LabError } from '../engine/errors'
import { said } from '../shared/i18n/said'

let running = false

export async function checkServer(request: CheckServerRequest): Promise<CheckServerResult> {
  if (running) throw new LabError(said('check:panel.busy'))
  running = true
  try {
    const r = await runCheck({
      check: request.what,
      host: request.address,
      port: request.port,
      portGiven: true,
      concurrent: request.concurrent ?? false,
      root: request.root,
      argv: [],
      cases: [],
      builtin: true
    })
    return { check: request.what, where: r.where, items: r.items, problems: r.problems, score: r.score, maxScore: r.maxScore, passed: r.passed }
  } catch (err) {
    // A check that could not run (the folder cannot be written): its own sentence, as data.
    if (err instanceof SetupError) throw new LabError(err.said)
    throw err
  } finally {
    running = false
  }
}
