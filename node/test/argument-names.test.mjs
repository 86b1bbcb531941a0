// invalid_input errors name the option or parameter as a Node caller wrote it
// (`maxRequests`, `installationId`, `versionId`), in `argument` and in the
// message, never the snake_case name Rust, Python and C use.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'

import { Client, GitHubPackagesError, planCleanup } from '../ghpackages.mjs'
import { TOKENS, repoRoot, startEmulator } from './emulator.mjs'

const KEYS = `${repoRoot}crates/ghpackages-emulator/fixtures/test-app`
const privateKey = readFileSync(`${KEYS}/private-key.pem`, 'utf8')

/** Checks an invalid_input error about `argument`, whose message says `says` and not `never` (when given). */
function namesOption(argument, says, never) {
  return (error) => {
    assert.ok(error instanceof GitHubPackagesError, `not a GitHubPackagesError: ${error}`)
    assert.equal(error.code, 'invalid_input', error.message)
    assert.equal(error.argument, argument, error.message)
    assert.ok(error.message.includes(says), `${JSON.stringify(says)} not in: ${error.message}`)
    if (never) assert.ok(!error.message.includes(never), `${JSON.stringify(never)} in: ${error.message}`)
    return true
  }
}

describe('invalid_input errors name Node options', () => {
  let emulator
  let client
  let org
  before(async () => {
    emulator = await startEmulator()
    client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
    org = client.org('octo-org')
  })
  after(() => emulator.stop())

  test('client options', () => {
    const options = (more) => ({ baseUrl: emulator.url, token: TOKENS.octocat, ...more })
    const cases = [
      [{ pageConcurrency: 0 }, 'pageConcurrency', 'pageConcurrency must be 1 or more', 'page_concurrency'],
      [{ timeoutMs: 0 }, 'timeoutMs', 'timeoutMs must be longer than zero', 'timeout must'],
      [{ connectTimeoutMs: 0 }, 'connectTimeoutMs', 'connectTimeoutMs must be', 'connect_timeout'],
      [{ userAgent: ' ' }, 'userAgent', 'userAgent is empty', 'user_agent'],
      [{ apiVersion: 'a\nb' }, 'apiVersion', 'apiVersion', 'api_version'],
      [{ retry: { maxAttempts: 0 } }, 'retry', 'maxAttempts must be 1 or more', 'max_attempts'],
      [{ retry: { maxAttempts: 'x' } }, 'retry.maxAttempts', 'options.retry.maxAttempts', 'max_attempts'],
      [{ baseUrl: 'ftp://example.com' }, 'baseUrl', 'baseUrl must use http or https', 'base_url'],
      [{ registryUrl: ' ' }, 'registryUrl', 'registryUrl is empty', 'registry_url'],
    ]
    for (const [more, argument, says, never] of cases) {
      assert.throws(() => new Client(options(more)), namesOption(argument, says, never))
    }
  })

  test('GitHub App options', () => {
    const withApp = (app) => new Client({ baseUrl: emulator.url, tokenFromEnv: false, app })
    const cases = [
      [{ appId: 1001, privateKey }, 'installationId', 'needs an installationId or the owner', 'installation_id'],
      [{ appId: 1001, privateKey, installationId: 0 }, 'installationId', 'installationId must be 1', 'installation_id'],
      [{ appId: 1001, privateKey, owner: 'not a login' }, 'owner', 'owner "not a login"', 'installation_id'],
      [{ appId: ' ', privateKey, installationId: 1 }, 'appId', 'appId is empty', 'app_id'],
      [{ appId: 1001, installationId: 1 }, 'privateKey', 'privateKey (PEM) or a privateKeyPath', 'private_key'],
      [{ appId: 1001, privateKey, privateKeyPath: `${KEYS}/private-key.pem`, installationId: 1 },
        'privateKey', 'give the privateKey or the privateKeyPath', 'private_key'],
      [{ appId: 1001, privateKeyPath: `${KEYS}/missing.pem`, installationId: 1 },
        'privateKeyPath', 'missing.pem', 'private_key'],
      [{ appId: 1001, privateKey, installationId: 'many' }, 'app.installationId', 'options.app.installationId', 'installation_id'],
    ]
    for (const [app, argument, says, never] of cases) {
      assert.throws(() => withApp(app), namesOption(argument, says, never))
    }
  })

  test('positional parameters', async () => {
    await assert.rejects(org.listPackages('pypi'), namesOption('packageType', 'unknown packageType "pypi"', 'package_type'))
    await assert.rejects(org.getPackage(5, 'x'), namesOption('packageType', 'packageType', 'package_type'))
    await assert.rejects(org.getPackage('npm', ''), namesOption('packageName', 'packageName is empty', 'package_name'))
    await assert.rejects(
      org.getPackageVersion('npm', 'x', -1),
      namesOption('versionId', 'versionId: expected a non-negative safe integer', 'package_version_id'),
    )
    await assert.rejects(
      org.listPackages('npm', { perPage: 100, page: 101 }),
      namesOption('page', 'page * perPage is 10100', 'per_page'),
    )
    await assert.rejects(org.listPackages('npm', { perPage: 0 }), namesOption('perPage', 'perPage', 'per_page'))
  })

  test('cleanup budgets and options', async () => {
    const versions = await org.listAllPackageVersions('container', 'octo-app')
    const plan = planCleanup(versions, { tags: 'untagged' })
    assert.ok(plan.decisions.some((d) => d.action === 'delete'))
    const execute = (options) => org.executeCleanup('container', 'octo-app', plan, options)
    await assert.rejects(
      execute({ budget: { maxRequests: 0 } }),
      namesOption('budget', 'maxRequests must be at least 1', 'max_requests'),
    )
    await assert.rejects(
      org.applyCleanupPlan(
        await org.planPackagesCleanup('container', ['octo-app'], { tags: 'untagged' }),
        { budget: { maxRequests: 0 } },
      ),
      namesOption('budget', 'maxRequests must be at least 1', 'max_requests'),
    )
    await assert.rejects(
      execute({ journal: '/nonexistent/journal.jsonl', journalFile: false }),
      namesOption('journal', 'with journalFile off', 'journal_file'),
    )
    await assert.rejects(execute({ concurrency: 0 }), namesOption('concurrency', 'concurrency must be at least 1'))
    await assert.rejects(
      client.undoCleanup([], { budget: { waitForReset: false } }),
      namesOption('budget', 'maxRequests and waitForReset: false apply to cleanups only', 'wait_for_reset'),
    )
    assert.equal((await org.listAllPackageVersions('container', 'octo-app')).length, versions.length)
  })

  test('policies keep their JSON field names, as in every language', async () => {
    assert.throws(() => planCleanup([], { older_than: 'soon' }), namesOption('policy', 'invalid age "soon"', 'olderThan'))
    assert.throws(() => planCleanup([], { keepLatest: 3 }), namesOption('policy', '`keep_latest`'))
    await assert.rejects(
      org.planPackageCleanup('container', 'octo-app', { keep_latest: -1 }),
      namesOption('policy', 'policy', 'keepLatest'),
    )
  })
})
