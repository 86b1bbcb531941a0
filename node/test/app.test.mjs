// GitHub App authentication against the emulator's demo apps: app 1001 is
// installed on octo-org (4201, packages: write) and octocat (4202, read); app
// 1002 on octo-org (4203, read). The key pair is the emulator's test-only one.

import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { repoRoot, startEmulator } from './emulator.mjs'

const KEYS = `${repoRoot}crates/ghpackages-emulator/fixtures/test-app`
const privateKey = readFileSync(`${KEYS}/private-key.pem`, 'utf8')

async function expectError(promise, code, fragment) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof GitHubPackagesError, String(error))
    assert.equal(error.code, code, error.message)
    if (fragment) assert.ok(error.message.includes(fragment), error.message)
    assert.ok(!error.message.includes('PRIVATE KEY'), error.message)
    return true
  })
}

describe('GitHub App authentication', () => {
  let emulator
  const appClient = (app) => new Client({ baseUrl: emulator.url, tokenFromEnv: false, app })
  const tokensIssued = async (id) =>
    (await emulator.admin('GET', `/installations/${id}`)).tokens_issued

  before(async () => {
    emulator = await startEmulator()
  })
  after(() => emulator.stop())

  test('an installation by id reads private packages, deletes and restores', async () => {
    const client = appClient({ appId: 1001, privateKey, installationId: 4201 })
    assert.equal(client.hasToken, true)
    const org = client.org('octo-org')
    const pkg = await org.getPackage('container', 'octo-app')
    assert.equal(pkg.visibility, 'private')
    const versions = await org.listAllPackageVersions('container', 'octo-app')
    const last = versions[versions.length - 1].id
    await org.deletePackageVersion('container', 'octo-app', last)
    await org.restorePackageVersion('container', 'octo-app', last)
    assert.equal(await tokensIssued(4201), 1)
  })

  test('an installation by owner, with a key file and the client id', async () => {
    const client = appClient({
      appId: 'Iv1.testapp0001',
      privateKeyPath: `${KEYS}/private-key.pem`,
      owner: 'octocat',
    })
    const pkg = await client.user('octocat').getPackage('npm', 'octo-scratch')
    assert.equal(pkg.name, 'octo-scratch')
    assert.equal(await tokensIssued(4202), 1)
  })

  test('concurrent requests share one exchange', async () => {
    const before = await tokensIssued(4203)
    const org = appClient({ appId: 1002, privateKey, owner: 'octo-org' }).org('octo-org')
    await Promise.all(Array.from({ length: 24 }, () => org.getPackage('container', 'octo-app')))
    assert.equal((await tokensIssued(4203)) - before, 1)
  })

  test('a read-only installation may not delete', async () => {
    const org = appClient({ appId: 1002, privateKey, installationId: 4203 }).org('octo-org')
    const page = await org.listPackageVersions('container', 'octo-app')
    await expectError(
      org.deletePackageVersion('container', 'octo-app', page.items[0].id),
      'forbidden',
      'Resource not accessible by integration',
    )
  })

  test('a cleanup as a read-only installation stops before its first deletion', async () => {
    const org = appClient({ appId: 1002, privateKey, installationId: 4203 }).org('octo-org')
    const plan = await org.planPackageCleanup('npm', 'release-train', { keep_latest: 200 })
    assert.equal(plan.decisions.filter((d) => d.action === 'delete').length, 50)
    const dir = mkdtempSync(join(tmpdir(), 'ghpackages-app-'))
    const journal = join(dir, 'prune.jsonl')
    await expectError(
      org.executeCleanup('npm', 'release-train', plan, { journal }),
      'forbidden',
      'GitHub App 1002 (installation 4203) has packages: read permission; this needs packages: write',
    )
    assert.ok(!existsSync(journal) || readFileSync(journal, 'utf8') === '')
    assert.equal((await org.listAllPackageVersions('npm', 'release-train')).length, 250)
  })

  test('a key file path given as privateKey gets a hint, not an echo', () => {
    for (const text of [`${KEYS}/private-key.pem`, '/path/private-key.pem', 'key.pem']) {
      assert.throws(
        () => appClient({ appId: 1001, privateKey: text, installationId: 1 }),
        (error) => {
          assert.equal(error.code, 'invalid_input', error.message)
          assert.ok(error.message.includes('looks like a file path'), error.message)
          assert.ok(error.message.includes('privateKeyPath'), error.message)
          assert.ok(!error.message.includes(text), error.message)
          return true
        },
      )
    }
    assert.throws(
      () => appClient({ appId: 1001, privateKey: 'not a key', installationId: 1 }),
      (error) => error.code === 'invalid_input' && !error.message.includes('looks like a file path'),
    )
  })

  test('unknown installations and wrong keys are clear errors', async () => {
    const get = (app) => appClient(app).org('octo-org').getPackage('container', 'octo-app')
    await expectError(get({ appId: 1001, privateKey, installationId: 999 }), 'not_found', 'installation 999')
    await expectError(get({ appId: 1001, privateKey, owner: 'mona' }), 'not_found', 'no installation on mona')
    const other = readFileSync(`${KEYS}/other-private-key.pem`, 'utf8')
    await expectError(get({ appId: 1001, privateKey: other, installationId: 4201 }), 'unauthorized')
  })

  test('bad app options are invalid_input', () => {
    for (const app of [
      { appId: 1001, privateKey: 'not a key', installationId: 1 },
      { appId: 1001, privateKeyPath: `${KEYS}/missing.pem`, installationId: 1 },
      { appId: 1001, privateKey },
      { appId: 1001, privateKey, installationId: 1, owner: 'octo-org' },
      { appId: 1001, privateKey, installationId: -1 },
      { appId: 1001, private_key: privateKey, installationId: 1 },
    ]) {
      assert.throws(
        () => appClient(app),
        (error) => {
          assert.equal(error.code, 'invalid_input', error.message)
          assert.ok(!error.message.includes('PRIVATE KEY'), error.message)
          return true
        },
      )
    }
    assert.throws(
      () => new Client({ token: 'ghp_x', app: { appId: 1001, privateKey, installationId: 1 } }),
      (error) => error.code === 'invalid_input',
    )
  })

  test('a key given as privateKeyPath is refused without being echoed', () => {
    const body = privateKey.split('\n')[1]
    assert.throws(
      () => appClient({ appId: 1001, privateKeyPath: privateKey, installationId: 4201 }),
      (error) => {
        assert.equal(error.code, 'invalid_input', error.message)
        assert.ok(error.message.includes('looks like a private key itself'), error.message)
        assert.ok(!error.message.includes('BEGIN'), error.message)
        assert.ok(!error.message.includes(body), error.message)
        return true
      },
    )
  })
})
