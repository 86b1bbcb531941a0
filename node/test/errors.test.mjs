// Every error code, provoked for real: by the emulator (statuses, rate limits,
// injected faults: error statuses, latency, dropped connections, and answers
// GitHub does not give — a 200 body that is not JSON, an unexpected status), by
// a closed port, and by bad input.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { Client, GitHubPackagesError, errorCodes } from '../ghpackages.mjs'
import { TOKENS, closedPort, startEmulator } from './emulator.mjs'

const NO_RETRY = { maxAttempts: 1 }
const seen = new Set()

async function expectCode(promise, code, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof GitHubPackagesError, `not a GitHubPackagesError: ${error}`)
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'GitHubPackagesError')
    assert.equal(error.code, code)
    assert.equal(error.status, status ?? null)
    assert.equal(typeof error.message, 'string')
    assert.ok(error.message.length > 0)
    assert.ok(typeof error.stack === 'string')
    seen.add(error.code)
    return true
  })
}

describe('errors from GitHub answers', () => {
  let emulator
  let client
  before(async () => {
    emulator = await startEmulator()
    client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat, retry: NO_RETRY })
  })
  after(() => emulator.stop())

  test('not_found (404) carries GitHub\'s documentation URL and request id', async () => {
    const error = await client
      .org('octo-org')
      .getPackage('npm', 'no-such-package')
      .catch((e) => e)
    await expectCode(Promise.reject(error), 'not_found', 404)
    assert.match(error.documentationUrl, /^https:\/\/docs\.github\.com\//)
    assert.equal(typeof error.requestId, 'string')
    assert.equal(error.argument, null)
    assert.equal(error.githubMessage, 'Package not found.')
  })

  test('unauthorized (401) for a bad token', async () => {
    const stranger = new Client({ baseUrl: emulator.url, token: 'ghp_not_a_real_token', retry: NO_RETRY })
    await expectCode(stranger.me().listPackages('npm'), 'unauthorized', 401)
  })

  test('forbidden (403) for a token without delete:packages', async () => {
    const readOnly = new Client({ baseUrl: emulator.url, token: TOKENS.octocatReadOnly, retry: NO_RETRY })
    await expectCode(readOnly.org('octo-org').deletePackage('npm', 'octo-config'), 'forbidden', 403)
  })

  test('validation (400) for deleting the last version of a package', async () => {
    const org = client.org('octo-org')
    const [only] = await org.listAllPackageVersions('npm', 'octo-config')
    await expectCode(org.deletePackageVersion('npm', 'octo-config', only.id), 'validation', 400)
  })

  test('conflict (409) for restoring a version whose name was reused', async () => {
    const org = client.org('octo-org')
    const [, victim] = await org.listAllPackageVersions('npm', 'hello-world-npm')
    await org.deletePackageVersion('npm', 'hello-world-npm', victim.id)
    await emulator.admin('POST', '/packages/octo-org/npm/hello-world-npm/versions', { name: victim.name })
    await expectCode(org.restorePackageVersion('npm', 'hello-world-npm', victim.id), 'conflict', 409)
  })

  test('invalid_input, before any request, for perPage: 0', async () => {
    const fresh = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
    const error = await fresh
      .org('octo-org')
      .listPackages('npm', { perPage: 0 })
      .catch((e) => e)
    await expectCode(Promise.reject(error), 'invalid_input')
    assert.equal(error.argument, 'perPage')
    assert.equal(fresh.rateLimit(), null, 'no request was sent')
  })
})

describe('errors from rate limits', () => {
  test('rate_limited once the hourly budget is spent', async () => {
    const emulator = await startEmulator()
    try {
      await emulator.admin('PUT', '/limits', { enabled: true, authenticated_per_hour: 2 })
      const client = new Client({ baseUrl: emulator.url, token: TOKENS.mona, retry: NO_RETRY })
      const me = client.me()
      await me.listPackages('npm')
      await me.listPackages('npm')
      const error = await me.listPackages('npm').catch((e) => e)
      assert.ok([403, 429].includes(error.status))
      assert.equal(error.rateLimit.remaining, 0)
      assert.match(error.rateLimit.reset, /Z$/)
      await expectCode(Promise.reject(error), 'rate_limited', error.status)
    } finally {
      await emulator.stop()
    }
  })
})

describe('errors from faults', () => {
  let emulator
  before(async () => {
    emulator = await startEmulator()
  })
  after(() => emulator.stop())

  test('server (5xx) when GitHub fails', async () => {
    await emulator.admin('PUT', '/faults', { error_rate: 1.0, error_statuses: [502] })
    try {
      const client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat, retry: NO_RETRY })
      await expectCode(client.org('octo-org').getPackage('npm', 'octo-config'), 'server', 502)
    } finally {
      await emulator.admin('DELETE', '/faults')
    }
  })

  test('timeout when the answer takes longer than timeoutMs', async () => {
    await emulator.admin('PUT', '/faults', { latency_ms: 2000 })
    try {
      const client = new Client({
        baseUrl: emulator.url,
        token: TOKENS.octocat,
        timeoutMs: 200,
        retry: NO_RETRY,
      })
      await expectCode(client.org('octo-org').getPackage('npm', 'octo-config'), 'timeout')
    } finally {
      await emulator.admin('DELETE', '/faults')
    }
  })

  test('transport when nothing listens', async () => {
    const client = new Client({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      token: TOKENS.octocat,
      retry: NO_RETRY,
    })
    await expectCode(client.me().getPackage('npm', 'anything'), 'transport')
  })
})

describe('errors from answers GitHub does not give', () => {
  let emulator
  let client
  before(async () => {
    emulator = await startEmulator()
    client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat, retry: NO_RETRY })
  })
  after(() => emulator.stop())

  test('decode for a 200 body that is not JSON', async () => {
    await emulator.admin('PUT', '/faults', { malformed_rate: 1.0 })
    try {
      await expectCode(client.org('octo-org').getPackage('npm', 'octo-config'), 'decode', 200)
    } finally {
      await emulator.admin('DELETE', '/faults')
    }
  })

  test('other for an unexpected status', async () => {
    await emulator.admin('PUT', '/faults', { error_rate: 1.0, error_statuses: [418] })
    try {
      const error = await client
        .org('octo-org')
        .getPackage('npm', 'octo-config')
        .catch((e) => e)
      await expectCode(Promise.reject(error), 'other', 418)
      assert.match(error.message, /I'm a teapot/)
    } finally {
      await emulator.admin('DELETE', '/faults')
    }
  })
})

test('every error code was provoked and checked', () => {
  assert.deepEqual([...seen].sort(), [...errorCodes()].sort())
})

test('GitHubPackagesError can be constructed and caught like any Error', () => {
  const error = new GitHubPackagesError('boom', { code: 'server', status: 503 })
  assert.ok(error instanceof Error)
  assert.equal(error.code, 'server')
  assert.equal(error.status, 503)
  assert.equal(error.documentationUrl, null)
  assert.equal(error.requestId, null)
  assert.equal(error.message, 'boom')
  assert.equal(error.rateLimit, null)
  assert.equal(new GitHubPackagesError('no details').code, 'other')
})
