// Starts the ghpackages emulator for a test file and talks to its admin API.
// The binary is target/debug/ghpackages-emulator of this repository, or
// $GHPACKAGES_EMULATOR.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const emulatorPath =
  process.env.GHPACKAGES_EMULATOR ?? `${repoRoot}target/debug/ghpackages-emulator`

const ADMIN_TOKEN = 'emulator-admin'

/** Tokens of the demo fixture (crates/ghpackages-emulator/fixtures/demo.json). */
export const TOKENS = {
  octocat: 'ghp_demo_octocat',
  octocatReadOnly: 'ghp_demo_octocat_readonly',
  mona: 'ghp_demo_mona',
  hubot: 'ghp_demo_hubot',
}

/** A running emulator with the demo data; `stop()` it when done. */
export async function startEmulator(extraArgs = []) {
  const child = spawn(emulatorPath, ['--port', '0', '--demo', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`emulator exited with ${code} before printing its URL`)
  })
  const [url] = await Promise.race([once(lines, 'line'), exited])
  exited.catch(() => {})
  lines.on('line', () => {})
  return {
    url,
    async admin(method, path, body) {
      const response = await fetch(`${url}/_emulator${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`)
      return text ? JSON.parse(text) : null
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** A loopback port nothing listens on. */
export async function closedPort() {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}
