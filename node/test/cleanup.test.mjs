// Cleanup through the binding: plan a prune, execute it with a journal, undo it.

import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { Client, GitHubPackagesError, planCleanup } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

let emulator
let scratch
before(async () => {
  emulator = await startEmulator()
  scratch = await mkdtemp(join(tmpdir(), 'ghpackages-cleanup-'))
})
after(async () => {
  await emulator.stop()
  await rm(scratch, { recursive: true, force: true })
})

test('plan, execute and undo a prune of untagged container versions', async () => {
  const client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
  const org = client.org('octo-org')
  const before = await org.listAllPackageVersions('container', 'octo-app')
  const untagged = before.filter((v) => v.metadata.container.tags.length === 0).map((v) => v.id)
  assert.ok(untagged.length >= 2)

  const plan = planCleanup(before, { tags: 'untagged', keep_latest: 1 }, { now: '2026-01-01T00:00:00Z' })
  assert.equal(plan.now, '2026-01-01T00:00:00Z')
  assert.equal(plan.decisions.length, before.length)
  const doomed = plan.decisions.filter((d) => d.action === 'delete')
  assert.deepEqual(doomed.map((d) => d.version_id).sort(), untagged.filter((id) => id !== before[0].id).sort())
  assert.ok(doomed.every((d) => d.rule === 'policy'))
  assert.ok(plan.decisions.filter((d) => d.action === 'keep').every((d) => typeof d.reason === 'string'))

  const journal = join(scratch, 'prune.jsonl')
  const budget = { points: 0 }
  const report = await org.executeCleanup('container', 'octo-app', plan, { journal, concurrency: 4, budget })
  assert.equal(report.deleted, doomed.length)
  assert.equal(report.failed, 0)
  assert.equal(report.target.owner, 'octo-org')
  assert.equal(report.outcomes.length, doomed.length)
  assert.ok(report.outcomes.every((o) => o.status === 'deleted'))
  const lines = (await readFile(journal, 'utf8')).trim().split('\n').map((line) => JSON.parse(line))
  assert.ok(lines.some((entry) => entry.state === 'deleted'))

  const remaining = await org.listAllPackageVersions('container', 'octo-app')
  assert.equal(remaining.length, before.length - doomed.length)

  const undone = await client.undoCleanup(journal, { budget })
  assert.equal(undone.restored, doomed.length)
  assert.equal(undone.failed, 0)
  assert.deepEqual(
    (await org.listAllPackageVersions('container', 'octo-app')).map((v) => v.id).sort(),
    before.map((v) => v.id).sort(),
  )

  const late = await client.undoCleanup(journal, { now: '2099-01-01T00:00:00Z' })
  assert.equal(late.expired, doomed.length)
})

test('bad cleanup input is invalid_input', async () => {
  const client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
  const invalid = (error) => error instanceof GitHubPackagesError && error.code === 'invalid_input'
  assert.throws(() => planCleanup([], { keep_latest: -1 }), invalid)
  assert.throws(() => planCleanup([], { older_than: 'soon' }), invalid)
  assert.throws(() => planCleanup([], { include: [{ regex: '(' }] }), invalid)
  assert.throws(() => planCleanup('versions', {}), invalid)
  assert.throws(() => planCleanup([], {}, { now: 'yesterday' }), invalid)
  await assert.rejects(client.org('octo-org').executeCleanup('container', 'octo-app', { decisions: 1 }), invalid)
  await assert.rejects(client.undoCleanup(42), invalid)
  await assert.rejects(client.undoCleanup(join(scratch, 'missing.jsonl')), GitHubPackagesError)
})

test('a token without delete:packages stops before deleting anything', async () => {
  const client = new Client({ baseUrl: emulator.url, token: TOKENS.octocatReadOnly })
  const org = client.org('octo-org')
  const versions = await org.listAllPackageVersions('container', 'octo-app')
  const plan = planCleanup(versions, { tags: 'untagged' })
  await assert.rejects(
    org.executeCleanup('container', 'octo-app', plan),
    (error) => error instanceof GitHubPackagesError && error.code === 'forbidden',
  )
  assert.equal((await org.listAllPackageVersions('container', 'octo-app')).length, versions.length)
})

test('a request budget stops the run, and a new plan continues where it stopped', async () => {
  const client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
  const org = client.org('octo-org')
  const before = await org.listAllPackageVersions('container', 'octo-app')
  const journal = join(scratch, 'budget.jsonl')
  const policy = { tags: 'untagged' }
  const plan = planCleanup(before, policy)
  const doomed = plan.decisions.filter((d) => d.action === 'delete').length
  assert.ok(doomed >= 2)
  const budget = { points: 0, maxRequests: 1 }
  const first = await org.executeCleanup('container', 'octo-app', plan, { journal, concurrency: 1, budget })
  assert.equal(first.deleted, 1)
  assert.deepEqual(
    [first.stopped.reason, first.stopped.requests, first.stopped.left],
    ['max_requests', 1, doomed - 1],
  )
  const again = planCleanup(await org.listAllPackageVersions('container', 'octo-app'), policy)
  const rest = await org.executeCleanup('container', 'octo-app', again, { journal, budget: { points: 0 } })
  assert.equal(rest.deleted, doomed - 1)
  assert.equal(rest.already_gone, 0)
  assert.equal(rest.stopped, undefined)
  await assert.rejects(
    org.executeCleanup('container', 'octo-app', again, { budget: { maxRequests: 0 } }),
    (error) => error instanceof GitHubPackagesError && error.code === 'invalid_input',
  )
  const undone = await client.undoCleanup(journal, { budget: { points: 0 } })
  assert.equal(undone.restored, doomed)
  assert.equal((await org.listAllPackageVersions('container', 'octo-app')).length, before.length)
})
