// Every operation, for each of the three owner families, against the emulator.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, describe, test } from 'node:test'

import * as esm from '../ghpackages.mjs'
import { Client, GitHubPackagesError, Owner } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

const FAMILIES = [
  {
    kind: 'org',
    handle: (client) => client.org('octo-org'),
    login: 'octo-org',
    versioned: ['npm', 'hello-world-npm'],
    removable: ['rubygems', 'octo-gem'],
    conflicts: ['legacy-app'],
  },
  {
    kind: 'user',
    handle: (client) => client.user('octocat'),
    login: 'octocat',
    versioned: ['npm', 'octo-scratch'],
    removable: ['maven', 'com.octocat.tools'],
    conflicts: ['hello_docker_legacy'],
  },
  {
    kind: 'me',
    handle: (client) => client.me(),
    login: 'octocat',
    versioned: ['npm', 'octo-scratch'],
    removable: ['maven', 'com.octocat.tools'],
    conflicts: ['hello_docker_legacy'],
  },
]

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof GitHubPackagesError, `not a GitHubPackagesError: ${error}`)
    assert.equal(error.code, code)
    return true
  })
}

test('the CommonJS and ES module entry points export the same objects', () => {
  const cjs = createRequire(import.meta.url)('../ghpackages.cjs')
  const names = ['Client', 'Owner', 'GitHubPackagesError', 'errorCodes', 'packageTypes', 'planCleanup']
  assert.deepEqual(Object.keys(cjs).sort(), [...names].sort())
  for (const name of names) assert.equal(esm[name], cjs[name], name)
  assert.ok(new GitHubPackagesError('x', { code: 'other' }) instanceof Error)
  assert.deepEqual(cjs.packageTypes(), ['npm', 'maven', 'rubygems', 'docker', 'nuget', 'container'])
})

for (const family of FAMILIES) {
  describe(`${family.kind} family`, () => {
    let emulator
    let client
    let owner
    before(async () => {
      emulator = await startEmulator()
      client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
      owner = family.handle(client)
    })
    after(() => emulator.stop())

    test('the handle names its owner', () => {
      assert.ok(owner instanceof Owner)
      assert.equal(owner.kind, family.kind)
      assert.equal(owner.name, family.kind === 'me' ? null : family.login)
    })

    test('listPackages returns one page of plain package objects', async () => {
      const page = await owner.listPackages('npm')
      assert.ok(page.items.length > 0)
      assert.ok(page.items.some((p) => p.name === family.versioned[1]))
      for (const pkg of page.items) {
        assert.equal(pkg.package_type, 'npm')
        assert.equal(pkg.owner.login, family.login)
        assert.match(pkg.created_at, ISO)
        assert.match(pkg.updated_at, ISO)
      }
      assert.deepEqual(Object.keys(page.links).sort(), ['first', 'last', 'next', 'prev'])
      assert.equal(page.rateLimit.resource, 'core')
      assert.match(page.rateLimit.reset, ISO)
    })

    test('listPackages filters by visibility', async () => {
      const page = await owner.listPackages('npm', { visibility: 'public', perPage: 100 })
      assert.ok(page.items.every((p) => p.visibility === 'public'))
    })

    test('packages and listAllPackages read every package', async () => {
      const all = await owner.listAllPackages('container')
      const streamed = []
      for await (const pkg of owner.streamPackages('container', { perPage: 1 })) streamed.push(pkg)
      assert.ok(all.length > 0)
      assert.deepEqual(streamed, all)
    })

    test('getPackage returns the package', async () => {
      const [type, name] = family.versioned
      const pkg = await owner.getPackage(type, name)
      assert.equal(pkg.name, name)
      assert.equal(pkg.package_type, type)
      assert.equal(typeof pkg.id, 'number')
      assert.equal(typeof pkg.version_count, 'number')
    })

    test('listPackageVersions, getPackageVersion and the version iterators agree', async () => {
      const [type, name] = family.versioned
      const page = await owner.listPackageVersions(type, name)
      assert.ok(page.items.length >= 2)
      const all = await owner.listAllPackageVersions(type, name)
      assert.deepEqual(all, page.items)
      const streamed = []
      for await (const version of owner.streamPackageVersions(type, name, { perPage: 1 })) streamed.push(version)
      assert.deepEqual(streamed, all)
      const version = await owner.getPackageVersion(type, name, all[0].id)
      assert.deepEqual(version, all[0])
      assert.match(version.created_at, ISO)
    })

    test('deletePackageVersion then restorePackageVersion', async () => {
      const [type, name] = family.versioned
      const [, victim] = await owner.listAllPackageVersions(type, name)
      assert.equal(await owner.deletePackageVersion(type, name, victim.id), undefined)
      const active = await owner.listAllPackageVersions(type, name)
      assert.ok(!active.some((v) => v.id === victim.id))
      if (family.kind === 'user') {
        // GitHub's operation for another user's versions has no `state` parameter.
        await rejectsWith(owner.listAllPackageVersions(type, name, { state: 'deleted' }), 'invalid_input')
      } else {
        const deleted = await owner.listAllPackageVersions(type, name, { state: 'deleted' })
        const gone = deleted.find((v) => v.id === victim.id)
        assert.ok(gone, 'the deleted version is listed with state: deleted')
        assert.match(gone.deleted_at, ISO)
      }
      assert.equal(await owner.restorePackageVersion(type, name, victim.id), undefined)
      const restored = await owner.getPackageVersion(type, name, victim.id)
      assert.equal(restored.deleted_at, undefined)
    })

    test('deletePackage then restorePackage', async () => {
      const [type, name] = family.removable
      assert.equal(await owner.deletePackage(type, name), undefined)
      await rejectsWith(owner.getPackage(type, name), 'not_found')
      assert.equal(await owner.restorePackage(type, name), undefined)
      assert.equal((await owner.getPackage(type, name)).name, name)
    })

    test('listDockerMigrationConflicts lists the packages in conflict', async () => {
      const conflicts = await owner.listDockerMigrationConflicts()
      assert.deepEqual(conflicts.map((p) => p.name).sort(), family.conflicts)
      assert.ok(conflicts.every((p) => p.package_type === 'docker'))
    })

    test('the client reports the last rate limit and token scopes', () => {
      assert.equal(client.baseUrl, emulator.url)
      assert.equal(client.hasToken, true)
      const limit = client.rateLimit()
      assert.equal(typeof limit.remaining, 'number')
      assert.ok(limit.used > 0)
      assert.deepEqual([...client.tokenScopes()].sort(), [
        'delete:packages',
        'read:packages',
        'repo',
        'write:packages',
      ])
    })
  })
}

describe('client options', () => {
  test('the token comes from GITHUB_TOKEN, then GH_TOKEN', () => {
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GH_TOKEN: process.env.GH_TOKEN }
    try {
      delete process.env.GITHUB_TOKEN
      process.env.GH_TOKEN = TOKENS.hubot
      assert.equal(new Client({ baseUrl: 'http://127.0.0.1:1' }).hasToken, true)
      delete process.env.GH_TOKEN
      assert.equal(new Client({ baseUrl: 'http://127.0.0.1:1' }).hasToken, false)
      process.env.GITHUB_TOKEN = TOKENS.hubot
      assert.equal(new Client({ baseUrl: 'http://127.0.0.1:1', tokenFromEnv: false }).hasToken, false)
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })

  test('a token from the environment authenticates requests', async () => {
    const emulator = await startEmulator()
    const saved = process.env.GITHUB_TOKEN
    try {
      process.env.GITHUB_TOKEN = TOKENS.mona
      const me = new Client({ baseUrl: emulator.url }).me()
      const page = await me.listPackages('npm')
      assert.deepEqual(page.items.map((p) => p.owner.login), ['mona'])
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN
      else process.env.GITHUB_TOKEN = saved
      await emulator.stop()
    }
  })

  test('GitHub Enterprise Server style base URLs (/api/v3) work', async () => {
    const emulator = await startEmulator()
    try {
      const client = new Client({
        baseUrl: `${emulator.url}/api/v3`,
        token: TOKENS.octocat,
        apiVersion: '2022-11-28',
        userAgent: 'ghpackages-node-tests',
        connectTimeoutMs: 5000,
        timeoutMs: 10000,
        retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 100, maxTotalWaitMs: 1000 },
        pageConcurrency: 2,
        allowInsecureHttp: false,
      })
      assert.equal(client.baseUrl, `${emulator.url}/api/v3`)
      const pkg = await client.org('octo-org').getPackage('container', 'octo-app')
      assert.equal(pkg.name, 'octo-app')
    } finally {
      await emulator.stop()
    }
  })
})
