// The tarball `npm pack` makes installs into a scratch project and works there,
// from both module systems, against the emulator; ghpackages/testing asks for
// the emulator's addon package until it is installed beside, then runs.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'

import { TOKENS, startEmulator } from './emulator.mjs'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

let emulator
let scratch
before(async () => {
  emulator = await startEmulator()
  scratch = await mkdtemp(join(tmpdir(), 'ghpackages-pack-'))
})
after(async () => {
  await emulator.stop()
  await rm(scratch, { recursive: true, force: true })
})

test('npm pack, npm install <tarball>, then require and import it', async () => {
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: packageDir })
  const [{ filename, files }] = JSON.parse(stdout)
  const packed = files.map((f) => f.path)
  for (const file of ['ghpackages.cjs', 'ghpackages.mjs', 'ghpackages.d.ts', 'types.d.ts', 'testing.cjs', 'testing.mjs', 'testing.d.ts', 'index.js', 'index.d.ts', 'README.md']) {
    assert.ok(packed.includes(file), `${file} is in the tarball`)
  }
  assert.ok(packed.some((file) => file.endsWith('.node')), 'the addon is in the tarball')
  assert.ok(!packed.some((file) => file.startsWith('test/')), 'tests are not in the tarball')

  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }))
  await run(npm, ['install', '--no-audit', '--no-fund', join(scratch, filename)], { cwd: scratch })

  const use = `
    const pkg = await client.org('octo-org').getPackage('container', 'octo-app')
    const error = await client.org('octo-org').getPackage('npm', 'missing').catch((e) => e)
    console.log(JSON.stringify([pkg.name, error instanceof GitHubPackagesError, error.code]))
  `
  const settings = JSON.stringify({ baseUrl: emulator.url, token: TOKENS.octocat })
  await writeFile(
    join(scratch, 'use.mjs'),
    `import { Client, GitHubPackagesError } from 'ghpackages'\nconst client = new Client(${settings})\n${use}`,
  )
  await writeFile(
    join(scratch, 'use.cjs'),
    `const { Client, GitHubPackagesError } = require('ghpackages')\nconst client = new Client(${settings})\n;(async () => {${use}})()`,
  )
  for (const script of ['use.mjs', 'use.cjs']) {
    const { stdout: out } = await run(process.execPath, [script], { cwd: scratch })
    assert.deepEqual(JSON.parse(out), ['octo-app', true, 'not_found'], script)
  }

  // ghpackages/testing needs the emulator's addon, a package of its own.
  const missing = await run(process.execPath, ['-e', "require('ghpackages/testing')"], { cwd: scratch }).catch((e) => e)
  assert.match(missing.stderr, /ERR_GHPACKAGES_NO_TESTING|npm install --save-dev ghpackages-testing@/)
  const { stdout: packedAddon } = await run(npm, ['pack', '--json', '--pack-destination', scratch], {
    cwd: join(packageDir, 'testing-addon'),
  })
  const [{ filename: addonFile, files: addonFiles }] = JSON.parse(packedAddon)
  assert.ok(addonFiles.some((file) => file.path.endsWith('.node')), 'the emulator addon is in its tarball')
  await run(npm, ['install', '--no-audit', '--no-fund', join(scratch, addonFile)], { cwd: scratch })

  const testing = `
    const emulator = await Emulator.start()
    const pkg = await emulator.client().org('octo-org').getPackage('container', 'octo-app')
    await emulator.stop()
    console.log(JSON.stringify([pkg.version_count]))
  `
  await writeFile(join(scratch, 'testing.mjs'), `import { Emulator } from 'ghpackages/testing'\n${testing}`)
  await writeFile(
    join(scratch, 'testing.cjs'),
    `const { Emulator } = require('ghpackages/testing')\n;(async () => {${testing}})()`,
  )
  for (const script of ['testing.mjs', 'testing.cjs']) {
    const { stdout: out } = await run(process.execPath, [script], { cwd: scratch })
    assert.deepEqual(JSON.parse(out), [8], script)
  }
})
