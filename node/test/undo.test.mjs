// Undo you can aim, journals that know their server, cleanups that are always
// undoable, and rate-limit waits you can see: through the binding, against the
// emulator. Two prunes (20 nightly builds, then four npm versions) share one
// journal and run fast enough that GitHub's deleted_at seconds repeat.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'

import { Client, GitHubPackagesError, planCleanup } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

const PACKAGES = [
  ['container', 'nightly-builds', { tags: 'untagged', keep_latest: 327 }],
  ['npm', 'hello-world-npm', { older_than: '1d', exclude: [{ glob: '1.0.2' }], keep_newest: false }],
]

let scratch
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ghpackages-undo-'))
})
after(async () => {
  await rm(scratch, { recursive: true, force: true })
})

const clientOf = (emulator, options = {}) =>
  new Client({ baseUrl: emulator.url, token: TOKENS.octocat, tokenFromEnv: false, ...options })

async function active(client) {
  const org = client.org('octo-org')
  const ids = new Set()
  for (const [kind, name] of PACKAGES) {
    for (const version of await org.listAllPackageVersions(kind, name)) ids.add(version.id)
  }
  return ids
}

async function prune(client, journal) {
  const org = client.org('octo-org')
  for (const [kind, name, policy] of PACKAGES) {
    const plan = planCleanup(await org.listAllPackageVersions(kind, name), policy)
    const report = await org.executeCleanup(kind, name, plan, { journal })
    assert.ok(report.deleted > 0 && report.failed === 0)
  }
}

async function deletedLines(journal) {
  const lines = (await readFile(journal, 'utf8')).trim().split('\n').map((line) => JSON.parse(line))
  return lines.filter((line) => line.state === 'deleted')
}

async function undoRestoresExactly(client, journal, expected, options) {
  const before = await active(client)
  const report = await client.undoCleanup(journal, options)
  const after = await active(client)
  const restored = [...after].filter((id) => !before.has(id)).sort()
  assert.deepEqual(restored, [...expected].sort(), JSON.stringify(options))
  assert.equal(report.restored, expected.size)
}

for (const which of ['last', 'package', 'version', 'time']) {
  test(`undo by ${which} restores exactly what it selects`, async () => {
    const emulator = await startEmulator()
    try {
      const client = clientOf(emulator)
      const journal = join(scratch, `${which}.jsonl`)
      await prune(client, journal)
      const lines = await deletedLines(journal)
      assert.equal(lines.length, 24)
      const ids = (selected) => new Set(selected.map((line) => line.version_id))
      if (which === 'last') {
        await undoRestoresExactly(client, journal, ids(lines.slice(-3)), { last: 3 })
      } else if (which === 'package') {
        const npm = ids(lines.filter((line) => line.package === 'hello-world-npm'))
        await undoRestoresExactly(client, journal, npm, { packages: ['hello-*'] })
      } else if (which === 'version') {
        const npm = lines.find((line) => line.version === '1.0.3')
        const expected = ids([lines[0], npm])
        await undoRestoresExactly(client, journal, expected, { versions: [String(lines[0].version_id), '1.0.3'] })
      } else {
        const times = lines.map((line) => line.at).sort()
        const [since, until] = [times[3], times[12]]
        const inside = ids(lines.filter((line) => line.at >= since && line.at <= until))
        await undoRestoresExactly(client, journal, inside, { since, until })
      }
    } finally {
      await emulator.stop()
    }
  })
}

test('a dry run says why and restores nothing; bad filters are invalid_input', async () => {
  const emulator = await startEmulator()
  try {
    const client = clientOf(emulator)
    const journal = join(scratch, 'dry.jsonl')
    await prune(client, journal)
    const before = await active(client)
    const report = await client.undoCleanup(journal, { dryRun: true, packages: ['hello-world-npm'] })
    assert.deepEqual(await active(client), before)
    assert.equal(report.dry_run, true)
    assert.deepEqual(report.outcomes.map((o) => o.status), ['restorable', 'restorable', 'restorable', 'restorable'])
    assert.ok(report.outcomes.every((o) => o.reason.includes('would be restored')))
    const invalid = (error) => error instanceof GitHubPackagesError && error.code === 'invalid_input'
    await assert.rejects(client.undoCleanup(journal, { last: 0 }), invalid)
    await assert.rejects(client.undoCleanup(journal, { since: 'yesterday' }), invalid)
  } finally {
    await emulator.stop()
  }
})

test("undo goes to the journal's server and refuses a client aimed elsewhere", async () => {
  const [home, other] = [await startEmulator(), await startEmulator()]
  const saved = process.env.GITHUB_API_URL
  try {
    delete process.env.GITHUB_API_URL
    const journal = join(scratch, 'servers.jsonl')
    await prune(clientOf(home), journal)
    await assert.rejects(clientOf(other).undoCleanup(journal), (error) => {
      assert.equal(error.code, 'invalid_input')
      assert.ok(error.message.includes(home.url) && error.message.includes(other.url), error.message)
      return true
    })
    process.env.GITHUB_API_URL = other.url
    const envAimed = new Client({ token: TOKENS.octocat, tokenFromEnv: false })
    assert.equal(envAimed.baseUrl, other.url)
    await assert.rejects(envAimed.undoCleanup(journal), /GITHUB_API_URL/)
    delete process.env.GITHUB_API_URL
    const aimless = new Client({ token: TOKENS.octocat, tokenFromEnv: false })
    assert.equal(aimless.baseUrl, 'https://api.github.com')
    const report = await aimless.undoCleanup(journal)
    assert.equal(report.restored, 24)
    assert.equal((await active(clientOf(home))).size, 350 + 5)
  } finally {
    if (saved === undefined) delete process.env.GITHUB_API_URL
    else process.env.GITHUB_API_URL = saved
    await home.stop()
    await other.stop()
  }
})

const SCRIPT = `
const { Client, planCleanup } = require(process.argv[1])
const [url, step] = process.argv.slice(2)
;(async () => {
  if (step === 'prune') {
    const org = new Client({ baseUrl: url }).org('octo-org')
    const versions = await org.listAllPackageVersions('npm', 'hello-world-npm')
    const plan = planCleanup(versions, { older_than: '1d', exclude: [{ glob: '1.0.2' }] })
    const report = await org.executeCleanup('npm', 'hello-world-npm', plan)
    console.log(JSON.stringify({ journal: report.journal, deleted: report.deleted }))
  } else {
    const report = await new Client().undoCleanup(step)
    console.log(JSON.stringify({ restored: report.restored }))
  }
})().catch((error) => { console.error(error); process.exit(1) })
`

test('a script that executes without a journal path can undo', async () => {
  const emulator = await startEmulator()
  try {
    const state = join(scratch, 'state')
    const env = { ...process.env, GITHUB_TOKEN: TOKENS.octocat, XDG_STATE_HOME: state }
    delete env.GITHUB_API_URL
    delete env.GH_TOKEN
    const module = new URL('../index.js', import.meta.url).pathname
    const run = async (step) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT, module, emulator.url, step], { env })
      return JSON.parse(stdout)
    }
    const pruned = await run('prune')
    assert.equal(pruned.deleted, 3)
    assert.ok(pruned.journal.startsWith(join(state, 'ghpackages', 'journals')), pruned.journal)
    assert.deepEqual(await run(pruned.journal), { restored: 3 })
    const org = clientOf(emulator).org('octo-org')
    assert.equal((await org.listAllPackageVersions('npm', 'hello-world-npm')).length, 5)
  } finally {
    await emulator.stop()
  }
})

test('without a file, the report holds the journal and undo takes it', async () => {
  const emulator = await startEmulator()
  try {
    const client = clientOf(emulator)
    const org = client.org('octo-org')
    const plan = planCleanup(await org.listAllPackageVersions('npm', 'hello-world-npm'), {
      older_than: '1d',
      exclude: [{ glob: '1.0.2' }],
    })
    const report = await org.executeCleanup('npm', 'hello-world-npm', plan, { journalFile: false })
    assert.equal(report.journal, undefined)
    assert.equal(report.journal_entries.length, 6)
    assert.ok(report.journal_entries.every((entry) => entry.api_url === client.baseUrl))
    assert.equal((await client.undoCleanup(report.journal_entries, { last: 1 })).restored, 1)
    const rest = await client.undoCleanup(report.journal_entries)
    assert.deepEqual([rest.restored, rest.already_active], [2, 1])
  } finally {
    await emulator.stop()
  }
})

test('a delete loop under the rate limits calls onRateLimit with the resume time', async () => {
  // Two deletions (10 points) per window of four seconds (a minute sped up
  // 15 times): the third deletion comes within the window on any machine,
  // and GitHub refuses it with a Retry-After.
  const emulator = await startEmulator(['--points-per-minute', '10', '--time-factor', '15'])
  try {
    const waits = []
    const client = clientOf(emulator, {
      retry: { maxAttempts: 5 },
      onRateLimit: (wait) => waits.push(wait),
    })
    const org = client.org('octo-org')
    const versions = (await org.listAllPackageVersions('container', 'nightly-builds')).filter(
      (v) => v.metadata.container.tags.length === 0,
    )
    assert.equal(versions.length, 300)
    const started = Date.now()
    let deleted = 0
    for (const version of versions) {
      await org.deletePackageVersion('container', 'nightly-builds', version.id)
      deleted += 1
      // The callback runs on the event loop: let a pending call arrive.
      await new Promise((resolve) => setImmediate(resolve))
      // The deletion that waited went through after its wait; the rest would
      // only wait again.
      if (waits.length > 0) break
    }
    assert.ok(waits.length > 0, 'no wait reached the callback')
    assert.ok(deleted >= 3, 'a wait came before the budget was spent')
    assert.ok(waits.some((w) => w.reason === 'secondary'))
    for (const wait of waits) {
      assert.ok(wait.wait_ms > 0, JSON.stringify(wait))
      // Announced during the run, resuming after it was announced.
      const announced = Date.parse(wait.resume_at) - wait.wait_ms
      assert.ok(announced >= started - 1, JSON.stringify(wait))
      assert.ok(Date.parse(wait.resume_at) > announced, JSON.stringify(wait))
    }
  } finally {
    await emulator.stop()
  }
})
