// Many calls at once on one client, and pagination.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { Client, GitHubPackagesError } from '../ghpackages.mjs'
import { TOKENS, startEmulator } from './emulator.mjs'

describe('one client, many calls', () => {
  let emulator
  let client
  before(async () => {
    emulator = await startEmulator()
    client = new Client({ baseUrl: emulator.url, token: TOKENS.octocat })
  })
  after(() => emulator.stop())

  test('concurrent calls across families each get their own answer', async () => {
    const org = client.org('octo-org')
    const user = client.user('octocat')
    const me = client.me()
    const calls = []
    for (let i = 0; i < 20; i++) {
      calls.push(org.getPackage('container', 'octo-app').then((p) => ['org', p.name]))
      calls.push(user.getPackage('npm', 'octo-scratch').then((p) => ['user', p.name]))
      calls.push(me.listAllPackageVersions('container', 'hello_docker').then((v) => ['me', v.length]))
      calls.push(
        org.getPackage('npm', 'missing').catch((e) => ['missing', e instanceof GitHubPackagesError && e.code]),
      )
    }
    const results = await Promise.all(calls)
    for (let i = 0; i < results.length; i += 4) {
      assert.deepEqual(results.slice(i, i + 4), [
        ['org', 'octo-app'],
        ['user', 'octo-scratch'],
        ['me', 3],
        ['missing', 'not_found'],
      ])
    }
  })

  test('concurrent iterators do not interfere', async () => {
    const org = client.org('octo-org')
    const collect = async (iterable) => {
      const items = []
      for await (const item of iterable) items.push(item.id)
      return items
    }
    const expected = (await org.listAllPackageVersions('container', 'octo-app')).map((v) => v.id)
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => collect(org.streamPackageVersions('container', 'octo-app', { perPage: 3 }))),
    )
    for (const run of runs) assert.deepEqual(run, expected)
  })
})

describe('worker threads', () => {
  let emulator
  before(async () => {
    emulator = await startEmulator()
  })
  after(() => emulator.stop())

  test('each worker gets working clients and its own GitHubPackagesError', async () => {
    const entry = fileURLToPath(new URL('../ghpackages.cjs', import.meta.url))
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { Client, GitHubPackagesError } = require(workerData.entry)
      const org = new Client({ baseUrl: workerData.url, token: workerData.token }).org('octo-org')
      Promise.all([
        org.getPackage('npm', 'octo-config').then((p) => p.name),
        org.getPackage('npm', 'missing').catch((e) => [e instanceof GitHubPackagesError, e.code]),
      ]).then((result) => parentPort.postMessage(result))
    `
    const runs = Array.from({ length: 3 }, async () => {
      const worker = new Worker(code, {
        eval: true,
        workerData: { entry, url: emulator.url, token: TOKENS.octocat },
      })
      const [message] = await once(worker, 'message')
      await worker.terminate()
      return message
    })
    for (const result of await Promise.all(runs)) {
      assert.deepEqual(result, ['octo-config', [true, 'not_found']])
    }
  })
})

describe('pagination', () => {
  let emulator
  let org
  before(async () => {
    emulator = await startEmulator()
    org = new Client({ baseUrl: emulator.url, token: TOKENS.octocat }).org('octo-org')
  })
  after(() => emulator.stop())

  test('a single page carries its items and links', async () => {
    const first = await org.listPackageVersions('container', 'octo-app', { perPage: 3 })
    assert.equal(first.items.length, 3)
    assert.match(first.links.next, /[?&]page=2\b/)
    assert.match(first.links.last, /[?&]page=3\b/)
    assert.equal(first.links.prev, null)

    const last = await org.listPackageVersions('container', 'octo-app', { perPage: 3, page: 3 })
    assert.equal(last.items.length, 2)
    assert.equal(last.links.next, null)
    assert.match(last.links.prev, /[?&]page=2\b/)
    assert.match(last.links.first, /[?&]page=1\b/)
  })

  test('pages in order make up the whole list, newest first', async () => {
    const pages = []
    for (let page = 1; page <= 3; page++) {
      pages.push(...(await org.listPackageVersions('container', 'octo-app', { perPage: 3, page })).items)
    }
    const all = await org.listAllPackageVersions('container', 'octo-app', { perPage: 3 })
    assert.deepEqual(all, pages)
    assert.equal(all.length, 8)
    const created = all.map((v) => v.created_at)
    assert.deepEqual(created, [...created].sort().reverse())
    assert.equal(created.at(-1), '2025-03-01T09:00:00Z', 'timestamps are the ISO strings GitHub sends')
  })

  test('async iteration reads every page, and stops early on break', async () => {
    const all = await org.listAllPackageVersions('container', 'octo-app')
    const seen = []
    for await (const version of org.streamPackageVersions('container', 'octo-app', { perPage: 2 })) {
      seen.push(version)
    }
    assert.deepEqual(seen, all)

    const firstTwo = []
    for await (const version of org.streamPackageVersions('container', 'octo-app', { perPage: 2 })) {
      firstTwo.push(version.id)
      if (firstTwo.length === 2) break
    }
    assert.deepEqual(firstTwo, all.slice(0, 2).map((v) => v.id))
  })

  test('an exhausted iterator keeps ending; a BigInt version id works', async () => {
    const stream = org.streamPackageVersions('container', 'octo-app', { perPage: 5 })
    const ids = []
    for await (const version of stream) ids.push(version.id)
    assert.equal(ids.length, 8)
    assert.equal(await stream.next(), null)
    assert.equal(await stream.next(), null)
    const again = []
    for await (const version of stream) again.push(version)
    assert.deepEqual(again, [])
    assert.equal((await org.getPackageVersion('container', 'octo-app', BigInt(ids[0]))).id, ids[0])
  })

  test('iteration starts at options.page', async () => {
    const all = await org.listAllPackageVersions('container', 'octo-app', { perPage: 3 })
    const rest = []
    for await (const version of org.streamPackageVersions('container', 'octo-app', { perPage: 3, page: 2 })) {
      rest.push(version)
    }
    assert.deepEqual(rest, all.slice(3))
  })

  test('package lists paginate too', async () => {
    const all = await org.listAllPackages('npm', { perPage: 1 })
    const streamed = []
    for await (const pkg of org.streamPackages('npm', { perPage: 1 })) streamed.push(pkg.name)
    assert.deepEqual(streamed, all.map((p) => p.name))
    assert.ok(all.length >= 2)
    const first = await org.listPackages('npm', { perPage: 1 })
    assert.equal(first.items.length, 1)
    assert.notEqual(first.links.next, null)
  })

  test('an iterator whose page fails rejects in for await', async () => {
    const iterate = async () => {
      for await (const version of org.streamPackageVersions('npm', 'no-such-package')) assert.fail(version)
    }
    await assert.rejects(iterate(), (error) => error instanceof GitHubPackagesError && error.code === 'not_found')
  })
})
