// Container cleanup with the manifest graph through the binding: the core
// plans (planPackageCleanup) and validates (validateContainer); the binding
// passes options. The demo's octo-org/octo-web holds multi-platform images,
// signatures and orphans: pruning untagged versions must delete exactly the
// orphans 100700-100705 and 100711.

import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
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

// octo-web's image 1.0.0 (index 100708 of platform manifests 100706, 100707)
// and manifest list 1.0.0-debug (100710 of 100709, 100707): keepLatest 1
// deletes both unless they are in use.
const DEBUG_LIST = 'sha256:c077a0d9adfbbe30b0485691cd4529c54112af3c6b66a1e3b921224f212dbec9'
const IN_USE = [100706, 100707, 100708, 100709, 100710]

test('what is in use is kept with its platform manifests, and says where it is used', async () => {
  const host = new URL(emulator.url).host
  const refs = join(scratch, 'refs')
  await mkdir(refs)
  const deploy = join(refs, 'deploy.yaml')
  await writeFile(deploy, `kind: Deployment\nspec:\n  image: ${host}/octo-org/octo-web:1.0.0\n`)
  const compose = join(refs, 'compose.yml')
  await writeFile(compose, `services:\n  web:\n    image: ${host}/octo-org/octo-web@${DEBUG_LIST}\n`)
  const policy = { keep_latest: 1 }
  const deleted = (plan) => plan.decisions.filter((d) => d.action === 'delete').map((d) => d.version_id)

  const unkept = await org().planPackageCleanup('container', 'octo-web', policy)
  assert.ok(IN_USE.every((id) => deleted(unkept).includes(id)))
  const plan = await org().planPackageCleanup('container', 'octo-web', policy, { keepRefsFrom: [deploy, compose] })
  assert.deepEqual(deleted(plan).sort(), ORPHANS)
  const byId = Object.fromEntries(plan.decisions.map((d) => [d.version_id, d]))
  assert.equal(byId[100708].rule, 'in_use')
  assert.deepEqual(byId[100708].kept_by, [`${deploy}:3`])
  assert.deepEqual(byId[100710].kept_by, [`${compose}:3`])
  for (const child of [100706, 100707, 100709]) {
    assert.equal(byId[child].rule, 'index_child')
    assert.equal(byId[child].kept_by, undefined)
  }

  const oneByOne = await org().planPackageCleanup('container', 'octo-web', policy, {
    keepTags: ['1.0.0'],
    keepDigests: [DEBUG_LIST],
  })
  const kept = Object.fromEntries(oneByOne.decisions.map((d) => [d.version_id, d.kept_by]))
  assert.deepEqual(kept[100708], ['keepTags'])
  assert.deepEqual(kept[100710], ['keepDigests'])
  const several = await org().planPackagesCleanup('container', ['octo-web'], policy, { keepRefsFrom: [refs] })
  const decisions = Object.fromEntries(several.packages[0].decisions.map((d) => [d.version_id, d]))
  assert.deepEqual(decisions[100708].kept_by, [`${deploy}:3`])
  assert.deepEqual(decisions[100710].kept_by, [`${compose}:3`])
})

test('bad references to keep reject with invalid_input naming the option', async () => {
  const policy = { keep_latest: 1 }
  const cases = [
    [{ keepDigests: ['sha256:abc'] }, 'keepDigests', /is not a manifest digest/],
    [{ keepTags: ['a b'] }, 'keepTags', /is not a tag/],
    [{ keepRefsFrom: [join(scratch, 'missing.yaml')] }, 'keepRefsFrom', /cannot read/],
    [{ keepTags: '1.0.0' }, 'keepTags', /keepTags/],
    [{ keep_tags: ['1.0.0'] }, 'options', /camelCase/],
  ]
  for (const [options, argument, message] of cases) {
    for (const plan of [
      () => org().planPackageCleanup('container', 'octo-web', policy, options),
      () => org().planPackagesCleanup('container', ['octo-*'], policy, options),
    ]) {
      await assert.rejects(plan(), (error) => {
        assert.ok(error instanceof GitHubPackagesError, String(error))
        assert.equal(error.code, 'invalid_input')
        assert.equal(error.argument, argument, error.message)
        assert.match(error.message, message)
        return true
      })
    }
  }
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
