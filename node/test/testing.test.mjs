// ghpackages/testing: the in-process emulator, its clients and control
// methods, each checked through a client over HTTP, and the bad input each
// refuses.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'

import { Client, GitHubPackagesError } from 'ghpackages'
import { Emulator } from 'ghpackages/testing'

const SMALL = {
  users: [{ login: 'carol' }],
  tokens: [{ token: 'ghp_carol', user: 'carol', scopes: ['read:packages', 'delete:packages'] }],
  packages: [
    { owner: 'carol', package_type: 'npm', name: 'tiny', versions: [{ name: '1.0.0' }, { name: '2.0.0' }] },
  ],
}

const rejectsWith = (code) => (error) => {
  assert.ok(error instanceof GitHubPackagesError, String(error))
  assert.equal(error.code, code, error.message)
  return true
}

test('the demo data and its first token by default; stop ends serving', async () => {
  const emulator = await Emulator.start()
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(emulator.defaultToken, 'ghp_demo_octocat')
  const pkg = await emulator.client().org('octo-org').getPackage('container', 'octo-app')
  assert.equal(pkg.version_count, 8)
  await emulator.stop()
  await emulator.stop()
  const after = new Client({ baseUrl: emulator.url, token: 'ghp_demo_octocat', retry: { maxAttempts: 1 } })
  await assert.rejects(after.org('octo-org').getPackage('container', 'octo-app'), rejectsWith('transport'))
  assert.throws(() => emulator.advanceClock({ days: 1 }), /stopped/)
})

test('Symbol.asyncDispose stops it', async () => {
  const emulator = await Emulator.start()
  await emulator[Symbol.asyncDispose]()
  assert.throws(() => emulator.now(), /stopped/)
})

test('a fixture object, file or URL; the token can be chosen; the environment is not read', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ghpackages-testing-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'fixture.json')
  await writeFile(file, JSON.stringify(SMALL))
  process.env.GITHUB_TOKEN = 'ghp_not_this_one'
  t.after(() => delete process.env.GITHUB_TOKEN)
  for (const fixture of [SMALL, file, pathToFileURL(file)]) {
    const emulator = await Emulator.start({ fixture })
    try {
      assert.equal(emulator.defaultToken, 'ghp_carol')
      const versions = await emulator.client().user('carol').listAllPackageVersions('npm', 'tiny')
      assert.deepEqual(versions.map((v) => v.name), ['2.0.0', '1.0.0'])
      await assert.rejects(
        emulator.client({ token: 'ghp_demo_octocat' }).user('carol').getPackage('npm', 'tiny'),
        rejectsWith('unauthorized'),
      )
    } finally {
      await emulator.stop()
    }
  }
})

test('the clock moves the restore window', async (t) => {
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  const before = emulator.now()
  const org = emulator.client().org('octo-org')
  await org.deletePackageVersion('container', 'octo-app', 100002)
  const deleted = emulator.versions('octo-org', 'container', 'octo-app', { state: 'deleted' })
  assert.deepEqual(deleted.map((v) => v.id), [100002])
  emulator.advanceClock({ days: 29, hours: 23 })
  assert.ok(emulator.now() - before >= (29 * 24 + 23) * 3600 * 1000)
  emulator.advanceClock({ hours: 2 })
  assert.deepEqual(emulator.versions('octo-org', 'container', 'octo-app', { state: 'deleted' }), [])
  await assert.rejects(org.restorePackageVersion('container', 'octo-app', 100002), rejectsWith('not_found'))
  emulator.advanceClock({ days: -30 })
  await org.restorePackageVersion('container', 'octo-app', 100002)
})

test('faults at start and set at runtime', async (t) => {
  const emulator = await Emulator.start({ faults: { errorRate: 1, errorStatuses: [503] } })
  t.after(() => emulator.stop())
  const org = emulator.client({ retry: { maxAttempts: 1 } }).org('octo-org')
  await assert.rejects(org.getPackage('container', 'octo-app'), (e) => e.status === 503)
  emulator.setFaults({ errorRate: 1, errorStatuses: [418], seed: 1 })
  await assert.rejects(org.getPackage('container', 'octo-app'), (e) => e.status === 418)
  emulator.setFaults()
  assert.equal((await org.getPackage('container', 'octo-app')).id, 1001)
})

test('limits off by default, on when asked', async () => {
  for (const [limits, expected] of [[false, null], [true, 5000]]) {
    const emulator = await Emulator.start({ limits, timeFactor: 60 })
    try {
      const client = emulator.client()
      await client.org('octo-org').getPackage('container', 'octo-app')
      assert.equal(client.rateLimit()?.limit ?? null, expected)
    } finally {
      await emulator.stop()
    }
  }
})

test('load and addPackage, Dates allowed', async (t) => {
  const emulator = await Emulator.start({ fixture: {} })
  t.after(() => emulator.stop())
  assert.equal(emulator.defaultToken, null)
  assert.throws(() => emulator.client(), /no tokens/)
  await emulator.load(SMALL)
  const created = new Date('2025-01-02T03:04:05Z')
  emulator.addPackage('carol', 'container', 'app', {
    visibility: 'public',
    versions: [{ name: `sha256:${'a'.repeat(64)}`, tags: ['v1'], created_at: created }],
  })
  const [version] = await emulator.client({ token: 'ghp_carol' }).user('carol').listAllPackageVersions('container', 'app')
  assert.equal(Date.parse(version.created_at), created.getTime())
  assert.deepEqual(version.metadata.container.tags, ['v1'])
  assert.deepEqual(emulator.versions('carol', 'container', 'app'), [version])
})

test('bad input is refused', async (t) => {
  await assert.rejects(Emulator.start({ fixture: { users: [{ login: 'x', unknown: 1 }] } }), rejectsWith('invalid_input'))
  await assert.rejects(Emulator.start({ timeFactor: 0 }), rejectsWith('invalid_input'))
  await assert.rejects(Emulator.start({ faults: { errorRat: 1 } }), /error_rat/)
  await assert.rejects(Emulator.start({ fixture: '/no/such/fixture.json' }), { code: 'ENOENT' })
  assert.throws(() => new Emulator({}), TypeError)
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  assert.throws(() => emulator.setFaults({ errorRate: 2 }), rejectsWith('invalid_input'))
  assert.throws(() => emulator.addPackage('octo-org', 'container', 'octo-app'), /octo-app/)
  assert.throws(() => emulator.addPackage('nobody', 'npm', 'x'), /nobody/)
  assert.throws(() => emulator.versions('octo-org', 'debian', 'octo-app'), rejectsWith('invalid_input'))
  assert.throws(
    () => emulator.versions('octo-org', 'container', 'octo-app', { state: 'gone' }),
    rejectsWith('invalid_input'),
  )
  assert.throws(() => emulator.versions('octo-org', 'container', 'missing'), rejectsWith('not_found'))
  await assert.rejects(emulator.load('demo'), /demo/)
})

test('CommonJS require gives the same class', () => {
  const require = createRequire(import.meta.url)
  assert.equal(require('ghpackages/testing').Emulator, Emulator)
})
