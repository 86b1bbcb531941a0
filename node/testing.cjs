'use strict'
// ghpackages/testing: test code that uses ghpackages offline, against the
// project's emulator of the GitHub Packages API, serving on loopback inside
// this process. The emulator is the addon of the package ghpackages-testing
// (a dev dependency of the user's, kept apart so that the client's addon
// carries no server); this file adds the options, the clients, the error
// class and disposal.

const { readFile } = require('node:fs/promises')
const { Client, GitHubPackagesError } = require('./ghpackages.cjs')

function loadEngine() {
  try {
    return require('ghpackages-testing')
  } catch (cause) {
    if (cause.code !== 'MODULE_NOT_FOUND' || !String(cause.message).includes("'ghpackages-testing'")) {
      throw cause
    }
    const { version } = require('./package.json')
    const error = new Error(
      `ghpackages/testing runs the emulator of the package ghpackages-testing, which is not ` +
        `installed: npm install --save-dev ghpackages-testing@${version} (or the ` +
        `ghpackages-testing-${version}.tgz and ghpackages-testing-<platform>-${version}.tgz of a release).`,
    )
    error.code = 'ERR_GHPACKAGES_NO_TESTING'
    error.cause = cause
    throw error
  }
}

const native = loadEngine()

// The addon's errors carry the client's error codes; rethrown as the
// package's error class, as the client's are.
function call(work) {
  try {
    return work()
  } catch (error) {
    if (typeof error?.code === 'string' && !(error instanceof GitHubPackagesError)) {
      throw new GitHubPackagesError(error.message, { code: error.code })
    }
    throw error
  }
}

// Fault settings are camelCase here and snake_case in the emulator; an
// unknown key reaches it as is and is refused there.
function faultsJson(faults) {
  const body = {}
  for (const [key, value] of Object.entries(faults)) {
    body[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value
  }
  return JSON.stringify(body)
}

async function fixtureJson(fixture) {
  if (fixture === 'demo') return null
  if (typeof fixture === 'string' || fixture instanceof URL) return readFile(fixture, 'utf8')
  return JSON.stringify(fixture)
}

class Emulator {
  #server

  /** Use `await Emulator.start(options)`. */
  constructor(server) {
    if (!(server instanceof native.InProcessEmulator)) {
      throw new TypeError('use `await Emulator.start(options)` to start an emulator')
    }
    this.#server = server
  }

  static async start({ fixture = 'demo', limits = false, timeFactor = 1, faults = null } = {}) {
    const data = await fixtureJson(fixture)
    const faultsText = faults == null ? null : faultsJson(faults)
    return new Emulator(call(() => native.InProcessEmulator.start(data, limits, timeFactor, faultsText)))
  }

  get url() {
    return this.#server.url
  }

  get defaultToken() {
    return this.#server.defaultToken
  }

  client(options = {}) {
    const token = options.token ?? this.defaultToken
    if (token == null) throw new TypeError('the fixture has no tokens: pass { token }')
    return new Client({ baseUrl: this.url, tokenFromEnv: false, ...options, token })
  }

  now() {
    return new Date(call(() => this.#server.now()))
  }

  advanceClock({ days = 0, hours = 0, minutes = 0, seconds = 0 } = {}) {
    const by = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    call(() => this.#server.advanceClock(by))
  }

  setFaults(faults = {}) {
    call(() => this.#server.setFaults(faultsJson(faults)))
  }

  async load(fixture) {
    const data = await fixtureJson(fixture)
    if (data === null) throw new TypeError('the demo data can only be loaded into a new emulator')
    call(() => this.#server.load(data))
  }

  addPackage(owner, packageType, name, { versions = [], ...fields } = {}) {
    const text = JSON.stringify({ owner, package_type: packageType, name, versions, ...fields })
    call(() => this.#server.addPackage(text))
  }

  versions(owner, packageType, name, { state = 'active' } = {}) {
    return JSON.parse(call(() => this.#server.versions(owner, packageType, name, state)))
  }

  async stop() {
    this.#server.stop()
  }

  async [Symbol.asyncDispose]() {
    await this.stop()
  }
}

module.exports = { Emulator }
