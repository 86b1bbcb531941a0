// A cleanup over several packages through the binding: the core selects,
// plans, executes and applies (planPackagesCleanup, executePackagesCleanup,
// applyCleanupPlan); the binding converts. The demo's octo-org has the
// container packages octo-app and octo-web (among others).

import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, test } from 'node:test'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

const POLICY = { tags: 'untagged', keep_latest: 2 }

let emulator
let scratch
beforeEach(async () => {
  emulator = await startEmulator()
  scratch = await mkdtemp(join(tmpdir(), 'ghpackages-packages-'))
})
afterEach(async () => {
  await emulator.stop()
  await rm(scratch, { recursive: true, force: true })
})

const client = () => new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
const summary = (decisions) => decisions.map((d) => [d.version_id, d.action, d.rule])
const code = (expected, message) => (error) =>
  error instanceof GitHubPackagesError && error.code === expected && message.test(error.message)

test('one run plans each package as alone and shares one journal', async () => {
  const org = client().org('octo-org')
  const plan = await org.planPackagesCleanup('container', ['octo-app', 'octo-w*'], POLICY)
  assert.equal(plan.format_version, 1)
  assert.equal(plan.owner, 'octo-org')
  const names = plan.packages.map((p) => p.package)
  assert.deepEqual(names, ['octo-app', 'octo-web'])
  let planned = 0
  for (const p of plan.packages) {
    const alone = await org.planPackageCleanup('container', p.package, POLICY)
    assert.deepEqual(summary(p.decisions), summary(alone.decisions))
    planned += p.decisions.filter((d) => d.action === 'delete').length
  }
  assert.ok(planned > 0)
  const journal = join(scratch, 'org.jsonl')
  const report = await org.executePackagesCleanup(plan, { journal })
  assert.equal(report.deleted, planned)
  assert.deepEqual(report.packages.map((r) => r.target.package), names)
  const lines = (await readFile(journal, 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual([...new Set(lines.map((l) => l.package))].sort(), names)
  const undone = await client().undoCleanup(journal)
  assert.equal(undone.restored, planned)
})

test('a saved plan applies only to what did not change', async () => {
  const org = client().org('octo-org')
  const plan = JSON.parse(JSON.stringify(await org.planPackagesCleanup('container', ['octo-app'], POLICY)))
  const deletions = plan.packages[0].decisions.filter((d) => d.action === 'delete').map((d) => d.version_id)
  await org.deletePackageVersion('container', 'octo-app', deletions[0])
  const report = await org.applyCleanupPlan(plan, { journalFile: false })
  assert.deepEqual(report.skipped.map((s) => s.version_id), [deletions[0]])
  assert.match(report.skipped[0].reason, /gone since the plan/)
  assert.equal(report.deleted, deletions.length - 1)
})

test('checkEach is on by default and can be turned off', async () => {
  const org = client().org('octo-org')
  const plan = JSON.parse(JSON.stringify(await org.planPackagesCleanup('container', ['octo-app', 'octo-web'], POLICY)))
  const deletions = (p) => p.decisions.filter((d) => d.action === 'delete').length
  for (const [index, checkEach] of [
    [0, false],
    [1, true],
  ]) {
    const one = { ...plan, packages: [plan.packages[index]] }
    const report = await org.applyCleanupPlan(one, { journalFile: false, checkEach })
    assert.equal(report.skipped, undefined, 'none skipped')
    assert.equal(report.failed, 0)
    assert.ok(report.deleted > 0)
    assert.equal(report.deleted, deletions(plan.packages[index]))
  }
  // Checked before each deletion or not, a saved plan applies once: what it
  // deleted is then gone since the plan.
  const again = await org.applyCleanupPlan(plan, { journalFile: false })
  assert.equal(again.deleted, 0)
  assert.equal(again.skipped.length, plan.packages.map(deletions).reduce((a, b) => a + b))
  await assert.rejects(
    org.applyCleanupPlan(plan, { checkEach: 'yes' }),
    code('invalid_input', /options\.checkEach: invalid type/),
  )
})

test('bad globs, no match, bad plans and plans of another owner are refused', async () => {
  const org = client().org('octo-org')
  await assert.rejects(org.planPackagesCleanup('container', ['octo-['], POLICY), code('invalid_input', /package pattern/))
  await assert.rejects(
    org.planPackagesCleanup('container', ['nope-*'], POLICY),
    code('not_found', /no container package of octo-org matches/),
  )
  const plan = await org.planPackagesCleanup('container', ['octo-app'], POLICY)
  await assert.rejects(org.applyCleanupPlan({ ...plan, format_version: 2 }), code('invalid_input', /format_version|version/))
  await assert.rejects(
    client().org('other-org').applyCleanupPlan(plan),
    code('invalid_input', /the plan is for organization octo-org, not other-org/),
  )
})

// onProgress is called without the run waiting: the last calls may still be
// queued on the event loop when the Promise resolves.
const settle = async (events, count) => {
  for (let turn = 0; turn < 1000 && events.length < count; turn++) await new Promise(setImmediate)
}

test('onProgress reports each outcome with counts per package and in total', async () => {
  const org = client().org('octo-org')
  const plan = await org.planPackagesCleanup('container', ['octo-app', 'octo-w*'], POLICY)
  const events = []
  const report = await org.executePackagesCleanup(plan, { journalFile: false, onProgress: (p) => events.push(p) })
  await settle(events, report.deleted)
  assert.ok(report.deleted > 0)
  assert.equal(events.length, report.deleted)
  const last = events.reduce((a, b) => (b.total.done > a.total.done ? b : a))
  assert.deepEqual([last.total.done, last.total.left, last.total.deleted], [report.deleted, 0, report.deleted])
  for (const name of ['octo-app', 'octo-web']) {
    const mine = events.filter((e) => e.target.package === name)
    const expected = report.packages.find((r) => r.target.package === name).deleted
    assert.equal(mine.length, expected)
    assert.equal(Math.max(...mine.map((e) => e.package.done)), expected)
    assert.ok(mine.every((e) => e.package.planned === expected && e.outcome.status === 'deleted'))
  }
  assert.ok(events.every((e) => typeof e.rate_per_sec === 'number' && e.eta_secs >= 0 && e.elapsed_ms >= 0))
})

test('a throwing onProgress does not stop executeCleanup or applyCleanupPlan', async () => {
  const org = client().org('octo-org')
  const plan = await org.planPackageCleanup('container', 'octo-app', POLICY)
  const planned = plan.decisions.filter((d) => d.action === 'delete').length
  let calls = 0
  const onProgress = () => {
    calls++
    throw new Error('a broken progress bar')
  }
  const report = await org.executeCleanup('container', 'octo-app', plan, { journalFile: false, onProgress })
  await settle({ get length() { return calls } }, planned)
  assert.equal(report.deleted, planned)
  assert.equal(calls, planned)
  const saved = await org.planPackagesCleanup('container', ['octo-web'], POLICY)
  const events = []
  const applied = await org.applyCleanupPlan(saved, { journalFile: false, onProgress: (p) => { events.push(p); throw 'not even an Error' } })
  await settle(events, applied.deleted)
  assert.ok(applied.deleted > 0)
  assert.equal(Math.max(...events.map((e) => e.total.done)), applied.deleted)
  await assert.rejects(org.applyCleanupPlan(saved, { onProgress: 'yes' }), code('invalid_input', /onProgress must be a function/))
})
