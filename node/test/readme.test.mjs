// Every JavaScript example of README.md runs against the emulator. Each
// block is its own module: its `import ... from 'ghpackages'` becomes an
// import of this package, `Client` defaults `baseUrl` to the emulator (as
// GITHUB_API_URL would point a script at GitHub Enterprise Server), and the
// names earlier examples define (`client`, `org`) are declared beforehand
// with `var`, so a block may use or redeclare them.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { Client } from '../ghpackages.mjs'
import { TOKENS, repoRoot, startEmulator } from './emulator.mjs'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('../', import.meta.url))

function prelude() {
  const entry = JSON.stringify(join(packageDir, 'ghpackages.mjs'))
  return `import * as ghpackages from ${entry}
class Client extends ghpackages.Client {
  constructor(options = {}) {
    super({ baseUrl: process.env.GITHUB_API_URL, ...options })
  }
}
const { GitHubPackagesError, planCleanup, errorCodes } = ghpackages
var client = new Client()
var org = client.org('octo-org')
`
}

/** The README's js blocks, imports of the package removed, `const`/`let` as `var`. */
async function examples() {
  // Files the README includes (`<!-- include: PATH -->`) run as what they are:
  // tests/readme_includes.py checks them against PATH, node --test runs them there.
  const readme = (await readFile(join(packageDir, 'README.md'), 'utf8')).replace(
    /^<!-- include: .*? -->\n```[\s\S]*?^```$/gm,
    '',
  )
  return [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map(([, code]) =>
    code
      .replace(/^import .* from 'ghpackages'.*$/gm, '')
      .replace(/^(const|let) /gm, 'var '),
  )
}

let emulator
let dir
before(async () => {
  emulator = await startEmulator()
  dir = await mkdtemp(join(tmpdir(), 'ghpackages-readme-'))
})
after(async () => {
  await emulator.stop()
  await rm(dir, { recursive: true, force: true })
})

test('every README example runs against the emulator', async () => {
  const blocks = await examples()
  assert.ok(blocks.length >= 7, `only ${blocks.length} examples found`)
  // The GitHub App example's credentials: the emulator's test-only app.
  const appKey = await readFile(
    join(repoRoot, 'crates/ghpackages-emulator/fixtures/test-app/private-key.pem'),
    'utf8',
  )
  const env = {
    ...process.env,
    GITHUB_API_URL: emulator.url,
    GITHUB_TOKEN: TOKENS.octocat,
    APP_ID: '1001',
    APP_PRIVATE_KEY: appKey,
  }
  delete env.GH_TOKEN
  for (const [index, code] of blocks.entries()) {
    const file = join(dir, `example-${index}.mjs`)
    await writeFile(file, prelude() + code)
    try {
      await run(process.execPath, [file], { cwd: dir, env, timeout: 120_000 })
    } catch (error) {
      assert.fail(`README example ${index + 1} failed:\n${code}\n${error.stderr ?? error}`)
    }
  }
  // The quick start deleted what it collected; the cleanups were journaled.
  const checker = new Client({ baseUrl: emulator.url, token: TOKENS.octocat, tokenFromEnv: false })
  const left = await checker.org('octo-org').listAllPackageVersions('npm', 'release-train')
  assert.ok(left.length > 0)
  assert.ok(left.every((v) => new Date(v.created_at) >= new Date('2024-07-01')))
  await readFile(join(dir, 'prune.jsonl'))
  await readFile(join(dir, 'containers.jsonl'))
})
