// Host side (Node): reads the exercise files of a folder (the built-in resources/exercises, or an
// instructor's folder named on the host's command line, never by a page) into a catalog.
import fs from 'node:fs'
import path from 'node:path'
import { buildCatalog, MAX_EXERCISE_FILE_BYTES, MAX_EXERCISE_FILES, type ExerciseCatalog, type ExerciseProblem } from '../shared/exercises/schema'

/** Every *.json file of each folder, in name order; a later folder's exercise may not reuse an id. */
export function loadExerciseFolders(folders: readonly string[]): ExerciseCatalog {
  const files: { file: string; text: string }[] = []
  const problems: ExerciseProblem[] = []
  for (const dir of folders) {
    let names: string[]
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort().slice(0, MAX_EXERCISE_FILES)
    } catch {
      problems.push({ file: dir, problem: 'read' })
      continue
    }
    for (const name of names) {
      const full = path.join(dir, name)
      try {
        const st = fs.statSync(full)
        if (!st.isFile()) continue
        if (st.size > MAX_EXERCISE_FILE_BYTES) {
          problems.push({ file: name, problem: 'too-big' })
          continue
        }
        files.push({ file: name, text: fs.readFileSync(full, 'utf8') })
      } catch {
        problems.push({ file: name, problem: 'read' })
      }
    }
  }
  const cat = buildCatalog(files)
  return { exercises: cat.exercises, problems: [...problems, ...cat.problems] }
}
