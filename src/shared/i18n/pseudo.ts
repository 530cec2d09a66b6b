// The pseudo locale: English with every letter accented and each string in ⟦ ⟧, so that a test
// (or a person) sees at once any text that did not come from a catalog. Interpolations ({{x}}),
// nested keys ($t(...)) and tags (<0>…</0>) stay as they are.

const ACCENTS: Record<string, string> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ď', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ĺ', m: 'ɱ',
  n: 'ñ', o: 'ó', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ď', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ĺ', M: 'Ṁ',
  N: 'Ñ', O: 'Ó', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž'
}

/** Marks that open and close every pseudo-localised string. */
export const PSEUDO_OPEN = '⟦'
export const PSEUDO_CLOSE = '⟧'

/** What a catalog never changes inside a string: interpolations, nestings, tags, and `code` in backquotes. */
const KEEP = /(\{\{[^}]*\}\}|\$t\([^)]*\)|<\/?\d+\/?>|`[^`]*`)/

export function pseudoString(s: string): string {
  const parts = s.split(KEEP).map((part, i) => (i % 2 === 1 ? part : part.replace(/[A-Za-z]/g, (c) => ACCENTS[c] ?? c)))
  return PSEUDO_OPEN + parts.join('') + PSEUDO_CLOSE
}

/** A catalog with every string pseudo-localised, keys unchanged. */
export function pseudoCatalog<T>(catalog: T): T {
  const walk = (v: unknown): unknown =>
    typeof v === 'string' ? pseudoString(v) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v
  return walk(catalog) as T
}
