// Container cleanup with the manifest graph through the binding: the core
// plans (planPackageCleanup) and validates (validateContainer); the binding
// passes options. The demo's octo-org/octo-web holds multi-platform images,
// signatures and orphans: pruning untagged versions must delete exactly the
// orphans 100700-100705 and 100711.

import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

const ORPHANS = [100700, 100701, 100702, 100703, 100704, 100705, 100711]

let emulator
let scratch
before(async () => {
  emulator = await startEmulator()
  scratch = await mkdtemp(join(tmpdir(), 'ghpackages-container-'))
})
after(async () => {
  await emulator.stop()
  await rm(scratch, { recursive: true, force: true })
})

const org = () => new Client({ baseUrl: emulator.url, token: TOKENS.octocat }).org('octo-org')

test('options pass through to the core planner', async () => {
  const blind = await org().planPackageCleanup('container', 'octo-web', { tags: 'untagged' }, { manifestGraph: false })
  assert.equal(blind.graph, undefined)
  assert.equal(blind.decisions.filter((d) => d.action === 'delete').length, 11)
  const keep = await org().planPackageCleanup('container', 'octo-web', { tags: 'untagged' }, { deleteReferenced: false })
  assert.equal(keep.graph.delete_referenced, false)
  assert.ok(!keep.decisions.some((d) => d.version_id === 100705 && d.action === 'delete'))
  await assert.rejects(
    org().planPackageCleanup('container', 'octo-web', { tags: 'untagged' }, { manifestGraf: true }),
    (error) => error instanceof GitHubPackagesError && error.code === 'invalid_input',
  )
})

test('a graph-aware prune deletes exactly the orphans and validate finds the graph whole', async () => {
  const plan = await org().planPackageCleanup('container', 'octo-web', { tags: 'untagged' })
  assert.equal(plan.graph.status, 'read')
  assert.equal(plan.graph.fetched, 17)
  const doomed = plan.decisions.filter((d) => d.action === 'delete').map((d) => d.version_id)
  assert.deepEqual(doomed.sort(), ORPHANS)
  const rules = Object.fromEntries(plan.decisions.map((d) => [d.version_id, d.rule]))
  assert.equal(rules[100705], 'orphaned_reference')
  assert.equal(rules[100707], 'index_child')

  const report = await org().executeCleanup('container', 'octo-web', plan, { journal: join(scratch, 'prune.jsonl') })
  assert.equal(report.deleted, ORPHANS.length)
  const validation = await org().validateContainer('octo-web', { concurrency: 2 })
  assert.deepEqual(validation.missing, [])
  assert.deepEqual(validation.unreadable, [])
  assert.equal(validation.repository, 'octo-org/octo-web')
})
