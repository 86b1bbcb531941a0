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
  assert.throws(() => emulator.advanceClock({ days: 1 }), rejectsWith('other'))
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
  assert.throws(() => emulator.client(), rejectsWith('invalid_input'))
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
  for (const fixture of ['demo2', '/no/such/fixture.json']) {
    await assert.rejects(Emulator.start({ fixture }), (error) => {
      rejectsWith('invalid_input')(error)
      assert.ok(error.message.includes(fixture), error.message)
      assert.ok(error.message.includes('"demo"'), error.message)
      return true
    })
  }
  // Wrong types and shapes are invalid_input, never napi's own codes.
  await assert.rejects(Emulator.start({ timeFactor: 'x' }), rejectsWith('invalid_input'))
  await assert.rejects(Emulator.start({ limits: 'yes' }), rejectsWith('invalid_input'))
  await assert.rejects(Emulator.start('./fixture.json'), (error) => {
    rejectsWith('invalid_input')(error)
    assert.match(error.message, /\{ fixture: "\.\/fixture\.json" \}/)
    return true
  })
  await assert.rejects(Emulator.start({ time_factor: 0 }), /unknown option 'time_factor'; did you mean 'timeFactor'\?/)
  await assert.rejects(Emulator.start({ users: [] }), rejectsWith('invalid_input'))
  await assert.rejects(Emulator.start({ fixture: 0 }), rejectsWith('invalid_input'))
  assert.throws(() => new Emulator({}), TypeError)
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  assert.throws(() => emulator.setFaults({ errorRate: 2 }), rejectsWith('invalid_input'))
  assert.throws(() => emulator.addPackage('octo-org', 'container', 'octo-app'), /octo-app/)
  assert.throws(() => emulator.addPackage('nobody', 'npm', 'x'), rejectsWith('not_found'))
  assert.throws(() => emulator.addPackage('octo-org', 'debian', 'x'), rejectsWith('invalid_input'))
  assert.throws(() => emulator.addPackage('octo-org', 3, 'x'), rejectsWith('invalid_input'))
  assert.throws(() => emulator.versions('octo-org', 'container', 'octo-app', 'deleted'), /\{ state: 'deleted' \}/)
  assert.throws(() => emulator.advanceClock(3), rejectsWith('invalid_input'))
  assert.throws(() => emulator.advanceClock({ seconds: '5' }), rejectsWith('invalid_input'))
  assert.throws(() => emulator.advanceClock({ day: 1 }), /did you mean 'days'/)
  assert.throws(() => emulator.versions('octo-org', 'debian', 'octo-app'), rejectsWith('invalid_input'))
  assert.throws(
    () => emulator.versions('octo-org', 'container', 'octo-app', { state: 'gone' }),
    rejectsWith('invalid_input'),
  )
  assert.throws(() => emulator.versions('octo-org', 'container', 'missing'), rejectsWith('not_found'))
  await assert.rejects(emulator.load('demo'), rejectsWith('invalid_input'))
  await assert.rejects(emulator.load('demo2'), /demo2/)
})

test('clock moves that are not finite or out of range are refused and change nothing', async (t) => {
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  emulator.advanceClock({ days: 2 })
  emulator.advanceClock()
  const before = emulator.now()
  for (const by of [{ days: 1e12 }, { days: 999_999_999 }, { days: -1e9 }, { hours: Infinity }, { days: NaN }]) {
    assert.throws(() => emulator.advanceClock(by), rejectsWith('invalid_input'))
  }
  assert.ok(emulator.now() - before < 86_400_000)
  assert.ok(emulator.now() - Date.now() > 86_400_000)
})

test('stop() keeps the event loop running and cuts off a request still in flight', async () => {
  const emulator = await Emulator.start({ faults: { latencyMs: 60_000 } })
  const request = emulator.client({ retry: { maxAttempts: 1 } }).org('octo-org').getPackage('container', 'octo-app')
  const outcome = request.then(
    () => 'answered',
    (error) => error.code,
  )
  await new Promise((resolve) => setTimeout(resolve, 500)) // lets the request reach the server
  let ticked = false
  setImmediate(() => {
    ticked = true
  })
  await emulator.stop()
  assert.ok(ticked, 'the event loop did not run while the emulator stopped')
  assert.equal(await outcome, 'transport')
})

test('CommonJS require gives the same class', () => {
  const require = createRequire(import.meta.url)
  assert.equal(require('ghpackages/testing').Emulator, Emulator)
})
