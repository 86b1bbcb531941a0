// Bad input: rejected with invalid_input before any request, never a crash.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

function isInvalidInput(argument) {
  return (error) => {
    assert.ok(error instanceof GitHubPackagesError, `not a GitHubPackagesError: ${error}`)
    assert.equal(error.code, 'invalid_input')
    if (argument !== undefined) assert.equal(error.argument, argument)
    return true
  }
}

describe('bad input', () => {
  let emulator
  let client
  let org
  before(async () => {
    emulator = await startEmulator()
    client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
    org = client.org('octo-org')
  })
  after(() => emulator.stop())

  const CALLS = [
    ['unknown package type', (o) => o.getPackage('pypi', 'x'), 'packageType'],
    ['package type of the wrong type', (o) => o.getPackage(5, 'x'), 'packageType'],
    ['missing arguments', (o) => o.getPackage(), 'packageType'],
    ['package name of the wrong type', (o) => o.getPackage('npm', { name: 'x' }), 'packageName'],
    ['empty package name', (o) => o.getPackage('npm', ''), 'packageName'],
    ['package name with a ".." segment', (o) => o.deletePackage('npm', 'a/../b'), 'packageName'],
    ['version id as a string', (o) => o.getPackageVersion('npm', 'x', '1'), 'versionId'],
    ['negative version id', (o) => o.deletePackageVersion('npm', 'x', -1), 'versionId'],
    ['fractional version id', (o) => o.restorePackageVersion('npm', 'x', 1.5), 'versionId'],
    ['version id beyond Number.MAX_SAFE_INTEGER', (o) => o.getPackageVersion('npm', 'x', 1e300), 'versionId'],
    ['NaN version id', (o) => o.getPackageVersion('npm', 'x', NaN), 'versionId'],
    ['a function as version id', (o) => o.getPackageVersion('npm', 'x', () => 1), 'versionId'],
    ['perPage: 0', (o) => o.listPackages('npm', { perPage: 0 }), 'perPage'],
    ['perPage: 101', (o) => o.listPackageVersions('npm', 'x', { perPage: 101 }), 'perPage'],
    ['page: 0', (o) => o.listPackageVersions('npm', 'x', { page: 0 }), 'page'],
    ['missing packageType', (o) => o.listPackages(), 'packageType'],
    ['packageType inside the options', (o) => o.listPackages('npm', { packageType: 'npm' }), 'options'],
    ['options not an object', (o) => o.listPackages('npm', 'private'), 'options'],
    ['unknown option', (o) => o.listPackages('npm', { per_page: 5 }), 'options'],
    ['unknown visibility', (o) => o.listAllPackages('npm', { visibility: 'secret' }), 'visibility'],
    ['unknown state', (o) => o.listAllPackageVersions('npm', 'x', { state: 'gone' }), 'state'],
    ['restore options of the wrong type', (o) => o.restorePackage('npm', 'x', { token: 5 }), 'token'],
  ]

  for (const [what, call, argument] of CALLS) {
    test(`${what} rejects with invalid_input`, async () => {
      const fresh = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
      const promise = call(fresh.org('octo-org'))
      assert.ok(promise instanceof Promise, 'bad input rejects, it does not throw')
      await assert.rejects(promise, isInvalidInput(argument))
      assert.equal(fresh.rateLimit(), null, 'no request was sent')
    })
  }

  test('bad iterator input rejects in for await', async () => {
    const iterate = async (iterable) => {
      for await (const item of iterable) assert.fail(`unexpected item ${item}`)
    }
    await assert.rejects(iterate(org.streamPackages('wheel')), isInvalidInput('packageType'))
    await assert.rejects(iterate(org.streamPackageVersions('npm', 'x', { perPage: 0 })), isInvalidInput('perPage'))
  })

  test('bad owner logins throw invalid_input when used', async () => {
    assert.throws(() => client.org(42), isInvalidInput('org'))
    assert.throws(() => client.user(undefined), isInvalidInput('username'))
    await assert.rejects(client.org('not a login').listPackages('npm'), isInvalidInput('org'))
    await assert.rejects(client.user('').getPackage('npm', 'x'), isInvalidInput('username'))
  })

  test('bad client options throw invalid_input', () => {
    assert.throws(() => new Client({ timeoutMs: 'soon' }), isInvalidInput())
    assert.throws(() => new Client({ retry: { maxAttempts: -1 } }), isInvalidInput())
    assert.throws(() => new Client({ tokn: 'x' }), isInvalidInput())
    assert.throws(() => new Client('ghp_token'), isInvalidInput())
    assert.throws(() => new Client({ baseUrl: 'not a url' }), isInvalidInput())
    assert.throws(() => new Client({ baseUrl: 'ftp://example.com' }), isInvalidInput())
  })

  test('option errors name the option as Node spells it, never a Rust type', () => {
    const message = (options) => {
      try {
        new Client(options)
      } catch (error) {
        return error.message
      }
      assert.fail('no error')
    }
    assert.match(message({ base_url: 'http://127.0.0.1:1' }), /`baseUrl`/)
    assert.match(message({ retry: { maxAttempt: 2 } }), /`maxAttempts`/)
    const typed = message({ pageConcurrency: 'many' })
    assert.match(typed, /pageConcurrency/)
    assert.doesNotMatch(typed, /usize|u32|u64|struct|ClientConfig/)
  })

  test('every client option the core has is reachable, registryUrl included', () => {
    const client = new Client({
      baseUrl: emulator.url,
      token: TOKENS.octocat,
      registryUrl: 'http://127.0.0.1:9',
      retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 2, maxTotalWaitMs: 3 },
      connectTimeoutMs: 1000,
      timeoutMs: 2000,
      pageConcurrency: 2,
      apiVersion: '2022-11-28',
      userAgent: 'conformance',
      tokenFromEnv: false,
      allowInsecureHttp: false,
    })
    assert.equal(client.hasToken, true)
  })

  test('the process survives all of it and the client still works', async () => {
    const pkg = await org.getPackage('npm', 'octo-config')
    assert.equal(pkg.name, 'octo-config')
  })
})
