// `await using` on an Emulator: leaving the block, normally or by a throw,
// stops it. Node 20 cannot parse `await using`, so scripts/test-node compiles
// this file with tsc (tsconfig.test.json: target es2022, where tsc rewrites
// the declaration into its disposal helpers, which call the emulator's
// Symbol.asyncDispose method; Node defines that symbol from 18.18 and 20.4)
// into target/node-test/ and runs it there with node --test.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { Client, GitHubPackagesError } from 'ghpackages'
import { Emulator } from 'ghpackages/testing'

// A request to a stopped emulator's url finds nobody listening.
async function assertRefused(url: string): Promise<void> {
  const client = new Client({ baseUrl: url, token: 'ghp_demo_octocat', tokenFromEnv: false, retry: { maxAttempts: 1 } })
  await assert.rejects(client.org('octo-org').getPackage('container', 'octo-app'), (error: unknown) => {
    assert.ok(error instanceof GitHubPackagesError, String(error))
    assert.equal(error.code, 'transport', error.message)
    return true
  })
}

test('leaving an `await using` block stops the emulator', async () => {
  let left: Emulator
  {
    await using emulator = await Emulator.start()
    left = emulator
    const pkg = await emulator.client().org('octo-org').getPackage('container', 'octo-app')
    assert.equal(pkg.version_count, 8)
    assert.ok(emulator.now() instanceof Date)
  }
  assert.throws(() => left.now(), /stopped/)
  await assertRefused(left.url)
})

test('a throw out of an `await using` block stops it too', async () => {
  let left: Emulator | undefined
  await assert.rejects(async () => {
    await using emulator = await Emulator.start()
    left = emulator
    throw new Error('thrown inside the block')
  }, /thrown inside the block/)
  assert.ok(left)
  assert.throws(() => left!.now(), /stopped/)
  await assertRefused(left.url)
})
