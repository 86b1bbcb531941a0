// Tests of cleanup-untagged.mjs, offline: `node --test`. Each test starts an
// emulator of the GitHub Packages API with the demo data, in this process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GitHubPackagesError } from 'ghpackages'
import { Emulator } from 'ghpackages/testing'
import { deleteUntagged } from './cleanup-untagged.mjs'

const digest = (c) => `sha256:${c.repeat(64)}`

test('deletes untagged versions once they are 30 days old', async (t) => {
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  emulator.addPackage('octo-org', 'container', 'web', {
    versions: [{ name: digest('1'), tags: ['latest'] }, { name: digest('2') }, { name: digest('3') }],
  }) // created now, on the emulator's clock
  const client = emulator.client() // the demo's first token, ghp_demo_octocat
  assert.deepEqual(await deleteUntagged(client, 'octo-org', 'web', { now: emulator.now() }), [])

  emulator.advanceClock({ days: 31 })
  const deleted = await deleteUntagged(client, 'octo-org', 'web', { now: emulator.now() })

  assert.equal(deleted.length, 2)
  const left = emulator.versions('octo-org', 'container', 'web')
  assert.deepEqual(left.map((v) => v.name), [digest('1')])
  const gone = emulator.versions('octo-org', 'container', 'web', { state: 'deleted' })
  assert.deepEqual(gone.map((v) => v.id).sort(), [...deleted].sort())

  // A deletion can be undone for 30 days, and not after.
  const org = client.org('octo-org')
  await org.restorePackageVersion('container', 'web', deleted[0])
  assert.equal(emulator.versions('octo-org', 'container', 'web').length, 2)
  emulator.advanceClock({ days: 31 })
  await assert.rejects(org.restorePackageVersion('container', 'web', deleted[1]), {
    code: 'not_found',
  })
})

test('survives a 502', async (t) => {
  const emulator = await Emulator.start()
  t.after(() => emulator.stop())
  // A third of the requests answer 502 Bad Gateway; seeded, so every run alike.
  emulator.setFaults({ errorRate: 0.3, errorStatuses: [502], seed: 1 })
  const noRetries = emulator.client({ retry: { maxAttempts: 1 } })
  await assert.rejects(deleteUntagged(noRetries, 'octo-org', 'octo-app'), (error) => {
    assert.ok(error instanceof GitHubPackagesError)
    return error.status === 502
  })

  await deleteUntagged(emulator.client(), 'octo-org', 'octo-app') // retries 502s

  emulator.setFaults()
  const left = emulator.versions('octo-org', 'container', 'octo-app')
  assert.deepEqual(left.map((v) => v.id), [100008, 100006, 100003, 100001]) // the tagged ones
})
