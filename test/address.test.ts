import { describe, expect, it } from 'vitest'
import { addressProblem, ipFamily, parseCoursePort } from '../src/shared/address'
import { parseCourseUrl } from '../src/engine/url'
import { english } from './helpers/words'

describe('the course port rule', () => {
  it.each([
    ['1024', 1024],
    ['12000', 12000],
    ['65535', 65535]
  ])('accepts %s', (text, port) => expect(parseCoursePort(text)).toBe(port))
  it.each(['1023', '0', '65536', '-1', '12000x', ' 12000', '1e4', '0x2ee0', '', '99999999'])('refuses %j', (text) => expect(parseCoursePort(text)).toBeNull())
})

describe('addresses', () => {
  it.each([
    ['127.0.0.1', 'IPv4'],
    ['0.0.0.0', 'IPv4'],
    ['::1', 'IPv6'],
    ['::', 'IPv6'],
    ['fe80::1%lo', 'IPv6'],
    ['2001:db8::a:b', 'IPv6'],
    ['::ffff:127.0.0.1', 'IPv6']
  ])('%s is %s', (text, family) => expect(ipFamily(text)).toBe(family))
  it.each(['localhost', 'example.com', 'lab-pc-01.local'])('%s is a host name', (text) => expect(addressProblem(text)).toBeNull())
  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', ':::1', 'a b', '-bad.com', 'bad-.com', '', '[::1]', 'host/path', '1::2::3'])('%j is refused with a reason', (text) =>
    expect(addressProblem(text)).toMatch(/^invalid address <.*>: expected/)
  )
})

describe('URLs of the course HTTP client', () => {
  it.each([
    ['*', { host: '127.0.0.1', port: 8080, path: '/' }],
    ['http://127.0.0.1:8080/', { host: '127.0.0.1', port: 8080, path: '/' }],
    ['http://localhost', { host: 'localhost', port: 80, path: '/' }],
    ['localhost:8080/a/b.html', { host: 'localhost', port: 8080, path: '/a/b.html' }],
    ['http://[::1]:8080/x?y=1', { host: '::1', port: 8080, path: '/x?y=1' }],
    ['http://h/../etc/passwd', { host: 'h', port: 80, path: '/../etc/passwd' }],
    ['HTTP://h:1/#frag', { host: 'h', port: 1, path: '/' }]
  ])('%s', (input, expected) => expect(parseCourseUrl(input)).toMatchObject(expected))

  it('* follows the IPv6 toggle', () => expect(parseCourseUrl('*', 'IPv6')).toMatchObject({ host: '::1', port: 8080 }))

  it.each([
    ['https://example.com/', /only http:\/\//],
    ['ftp://h/', /only http:\/\//],
    ['http://:8080/', /no host/],
    ['http://h:99999/', /1\.\.65535/],
    ['http://h:abc/', /not a number/],
    ['http://[127.0.0.1]/', /not an IPv6 address/],
    ['http://[::1/', /\[ around the IPv6 address is not closed/],
    ['http://a b/', /spaces/],
    ['http://h/a b', /spaces/],
    ['http://999.1.1.1/', /invalid address/]
  ])('%s is refused: %s', (input, reason) => {
    const r = parseCourseUrl(input)
    const words = 'error' in r ? english(r.error) : ''
    expect(words).toMatch(reason)
    expect(words).toMatch(/^Error in parsing URL </)
  })
})
