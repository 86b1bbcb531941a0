'use strict'
// ghpackages/testing: test code that uses ghpackages offline, against the
// project's emulator of the GitHub Packages API, serving on loopback inside
// this process (it is compiled into the addon). The engine is the addon's
// InProcessEmulator; this file adds the options, the clients and disposal.

const { readFile } = require('node:fs/promises')
const native = require('./binding.cjs')
const { Client } = require('./ghpackages.cjs')

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
    const server = new native.InProcessEmulator(
      data,
      limits,
      timeFactor,
      faults == null ? null : faultsJson(faults),
    )
    return new Emulator(server)
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
    return new Date(this.#server.now())
  }

  advanceClock({ days = 0, hours = 0, minutes = 0, seconds = 0 } = {}) {
    this.#server.advanceClock(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
  }

  setFaults(faults = {}) {
    this.#server.setFaults(faultsJson(faults))
  }

  async load(fixture) {
    const data = await fixtureJson(fixture)
    if (data === null) throw new TypeError('the demo data can only be loaded into a new emulator')
    this.#server.load(data)
  }

  addPackage(owner, packageType, name, { versions = [], ...fields } = {}) {
    this.#server.addPackage(
      JSON.stringify({ owner, package_type: packageType, name, versions, ...fields }),
    )
  }

  versions(owner, packageType, name, { state = 'active' } = {}) {
    return this.#server.versions(owner, packageType, name, state)
  }

  async stop() {
    this.#server.stop()
  }

  async [Symbol.asyncDispose]() {
    await this.stop()
  }
}

module.exports = { Emulator }
