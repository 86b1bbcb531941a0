// Past GitHub's window of 10,000 listed packages: listAllPackages still
// returns every package when each visibility fits; the async iterator, which
// cannot split, rejects with `validation` before any item. And the plain-http
// refusal names the option as Node spells it.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { startEmulator } from './emulator.mjs'

let emulator
before(async () => {
  emulator = await startEmulator()
  const package_ = (visibility, n) => ({
    owner: 'wide-org',
    package_type: 'npm',
    name: `${visibility}-${String(n).padStart(5, '0')}`,
    visibility,
  })
  await emulator.admin('POST', '/fixture', {
    users: [{ login: 'wide' }],
    orgs: [{ login: 'wide-org', members: [{ login: 'wide', role: 'admin' }] }],
    tokens: [{ token: 'ghp_wide', user: 'wide', scopes: ['read:packages'] }],
    packages: [
      ...Array.from({ length: 6_000 }, (_, n) => package_('public', n)),
      ...Array.from({ length: 4_050 }, (_, n) => package_('private', n)),
    ],
  })
})
after(() => emulator.stop())

test('more than 10,000 packages', async () => {
  const org = new Client({ baseUrl: emulator.url, token: 'ghp_wide', tokenFromEnv: false }).org('wide-org')
  const all = await org.listAllPackages('npm')
  assert.equal(all.length, 10_050)
  assert.equal(new Set(all.map((p) => p.id)).size, 10_050)
  let seen = 0
  await assert.rejects(
    (async () => {
      for await (const _ of org.streamPackages('npm')) seen += 1
    })(),
    (error) => {
      assert.ok(error instanceof GitHubPackagesError)
      assert.equal(error.code, 'validation')
      assert.equal(error.status, null)
      assert.match(error.message, /10000/)
      assert.match(error.message, /visibility/)
      return true
    },
  )
  assert.equal(seen, 0)
})

test('plain http beyond loopback is refused, naming allowInsecureHttp', () => {
  for (const baseUrl of ['http://evil.localhost:9', 'http://10.0.0.1:9']) {
    assert.throws(
      () => new Client({ baseUrl, token: 'ghp_secret_value', tokenFromEnv: false }),
      (error) => {
        assert.equal(error.code, 'invalid_input')
        assert.match(error.message, /allowInsecureHttp: true/)
        assert.doesNotMatch(error.message, /ghp_secret_value/)
        return true
      },
    )
  }
})
