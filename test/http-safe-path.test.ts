// The first wall of the HTTP server on its own: request targets become segments under the served
// folder, and every spelling of "go up" or of a hidden byte is refused with its reason.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { insideRoot, isTargetProblem, parseTarget } from '../src/engine/http/safe-path'
import { english } from '../src/engine/english'

describe('parseTarget', () => {
  it('decodes the path, drops . and empty segments, resolves .. inside the folder, keeps the query', () => {
    expect(parseTarget('/a/./b//c/../d%20e.txt?x=1#frag')).toEqual({ segments: ['a', 'b', 'd e.txt'], display: '/a/b/d e.txt', rawPath: '/a/./b//c/../d%20e.txt', query: '?x=1', trailingSlash: false })
    expect(parseTarget('/docs/')).toEqual({ segments: ['docs'], display: '/docs', rawPath: '/docs/', query: '', trailingSlash: true })
    expect(parseTarget('/')).toEqual({ segments: [], display: '/', rawPath: '/', query: '', trailingSlash: true })
  })

  it('keeps only the path of an absolute-form target', () => {
    expect(parseTarget('http://example.com/x?y')).toMatchObject({ segments: ['x'], query: '?y' })
    expect(parseTarget('HTTP://example.com')).toMatchObject({ segments: [], display: '/' })
  })

  it.each([
    ['x/y', 400, 'request target <x/y> does not start with /'],
    ['*', 400, 'request target <*> does not start with /'],
    ['/a\\b', 400, 'backslash in the path: use / to separate folders'],
    ['/a%5cb', 400, 'encoded backslash in the path: use / to separate folders'],
    ['/a%2', 400, 'malformed percent-encoding in the path'],
    ['/a%zz', 400, 'malformed percent-encoding in the path'],
    ['/a%ff', 400, 'percent-encoding in the path is not valid UTF-8'],
    ['/a%00.txt', 400, 'control character (such as NUL) in the path'],
    ['/a%0a', 400, 'control character (such as NUL) in the path'],
    ['/..', 403, 'the path climbs above the served folder'],
    ['/a/../../etc/passwd', 403, 'the path climbs above the served folder'],
    ['/%2e%2e/secret', 403, 'the path climbs above the served folder'],
    ['/%2E%2E%2Fsecret', 403, 'the path climbs above the served folder']
  ])('refuses %j with %i', (target, status, reason) => {
    const r = parseTarget(target)
    if (!isTargetProblem(r)) throw new Error(`${target} was not refused`)
    expect({ status: r.status, reason: english(r.reason) }).toEqual({ status, reason })
  })
})

describe('insideRoot', () => {
  const root = path.join(path.sep, 'srv', 'site')
  it.each([
    [root, true],
    [path.join(root, 'a', 'b.txt'), true],
    [path.join(path.sep, 'srv', 'site-other', 'x'), false],
    [path.join(path.sep, 'srv'), false],
    [path.join(path.sep, 'etc', 'passwd'), false]
  ])('%s: %s', (real, inside) => {
    expect(insideRoot(root, real)).toBe(inside)
    expect(insideRoot(root + path.sep, real === root ? root + path.sep : real)).toBe(inside)
  })
})
