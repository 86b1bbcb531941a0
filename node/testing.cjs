'use strict'
// ghpackages/testing: test code that uses ghpackages offline, against the
// project's emulator of the GitHub Packages API, serving on loopback inside
// this process. The emulator is the addon of the package ghpackages-testing
// (a dev dependency of the user's, kept apart so that the client's addon
// carries no server); this file adds the options, the clients, the error
// class and disposal.

const { fileURLToPath } = require('node:url')
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

const CODES = new Set(['invalid_input', 'not_found', 'other'])

// The addon's errors carry the client's error codes (decided once, in the
// emulator crate's test kit); rethrown as the package's error class, as the
// client's are. napi's own codes (a value of the wrong type reaching the
// addon: `NumberExpected`, `StringExpected`...) are bad input too.
function call(work) {
  try {
    return work()
  } catch (error) {
    if (typeof error?.code === 'string' && !(error instanceof GitHubPackagesError)) {
      const code = CODES.has(error.code) ? error.code : 'invalid_input'
      throw new GitHubPackagesError(error.message, { code })
    }
    throw error
  }
}

function invalid(argument, message) {
  return new GitHubPackagesError(`${argument}: ${message}`, { code: 'invalid_input', argument })
}

const describe = (value) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `'${value}'` : typeof value

const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

// `options` must be a plain object (or undefined) with only `known` keys; an
// unknown key is refused, naming the known key it probably meant.
function checkOptions(what, options, known, hint = '') {
  if (options === undefined) return {}
  if (!isPlainObject(options) || options instanceof URL) {
    throw invalid(what, `expected an options object { ${known.join(', ')} }, not ${describe(options)}${hint}`)
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const camel = key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
    const lower = key.toLowerCase()
    const meant = known.find((k) => k === camel || k.toLowerCase() === lower || k === `${key}s`)
    throw invalid(
      what,
      meant ? `unknown option '${key}'; did you mean '${meant}'?` : `unknown option '${key}'; the options are ${known.join(', ')}`,
    )
  }
  return options
}

function checkNumber(argument, value) {
  if (typeof value !== 'number') throw invalid(argument, `expected a number, not ${describe(value)}`)
  return value
}

function checkString(argument, value) {
  if (typeof value !== 'string') throw invalid(argument, `expected a string, not ${describe(value)}`)
  return value
}

// Fault settings are camelCase here and snake_case in the emulator; an
// unknown key reaches it as is and is refused there.
function faultsJson(faults) {
  if (!isPlainObject(faults)) throw invalid('faults', `expected an object, not ${describe(faults)}`)
  const body = {}
  for (const [key, value] of Object.entries(faults)) {
    body[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value
  }
  return JSON.stringify(body)
}

// [fixture JSON, path]: the addon reads the file, and takes the path 'demo'
// as the demo data.
function fixtureSource(fixture) {
  if (typeof fixture === 'string') return [null, fixture]
  if (fixture instanceof URL) return [null, fileURLToPath(fixture)]
  if (isPlainObject(fixture)) return [JSON.stringify(fixture), null]
  throw invalid('fixture', `expected a fixture object, a path, a file: URL or 'demo', not ${describe(fixture)}`)
}

const START_OPTIONS = ['fixture', 'limits', 'timeFactor', 'faults']
const CLOCK = ['days', 'hours', 'minutes', 'seconds']

class Emulator {
  #server

  /** Use `await Emulator.start(options)`. */
  constructor(server) {
    if (!(server instanceof native.InProcessEmulator)) {
      throw new TypeError('use `await Emulator.start(options)` to start an emulator')
    }
    this.#server = server
  }

  static async start(options) {
    const hint =
      typeof options === 'string' || options instanceof URL
        ? `; give the fixture as an option: Emulator.start({ fixture: ${JSON.stringify(String(options))} })`
        : ''
    const { fixture = 'demo', limits = false, timeFactor = 1, faults = null } = checkOptions(
      'Emulator.start',
      options,
      START_OPTIONS,
      hint,
    )
    const [json, path] = fixtureSource(fixture)
    if (typeof limits !== 'boolean') throw invalid('limits', `expected true or false, not ${describe(limits)}`)
    checkNumber('timeFactor', timeFactor)
    const faultsText = faults == null ? null : faultsJson(faults)
    return new Emulator(call(() => native.InProcessEmulator.start(json, path, limits, timeFactor, faultsText)))
  }

  get url() {
    return this.#server.url
  }

  get defaultToken() {
    return this.#server.defaultToken
  }

  client(options = {}) {
    if (!isPlainObject(options)) throw invalid('client', `expected an options object, not ${describe(options)}`)
    if (options.token != null) checkString('token', options.token)
    const token = call(() => this.#server.token(options.token ?? null))
    return new Client({ baseUrl: this.url, tokenFromEnv: false, ...options, token })
  }

  now() {
    return new Date(call(() => this.#server.now()))
  }

  advanceClock(by) {
    const { days = 0, hours = 0, minutes = 0, seconds = 0 } = checkOptions('advanceClock', by, CLOCK)
    for (const [name, value] of Object.entries({ days, hours, minutes, seconds })) checkNumber(name, value)
    call(() => this.#server.advanceClock(days, hours, minutes, seconds))
  }

  setFaults(faults = {}) {
    const text = faultsJson(faults)
    call(() => this.#server.setFaults(text))
  }

  async load(fixture) {
    const [json, path] = fixtureSource(fixture)
    call(() => this.#server.load(json, path))
  }

  addPackage(owner, packageType, name, fields) {
    checkString('owner', owner)
    checkString('packageType', packageType)
    checkString('name', name)
    if (fields !== undefined && !isPlainObject(fields)) {
      throw invalid('fields', `expected an object of fixture fields, not ${describe(fields)}`)
    }
    const { versions = [], ...rest } = fields ?? {}
    const text = JSON.stringify({ owner, package_type: packageType, name, versions, ...rest })
    call(() => this.#server.addPackage(text))
  }

  versions(owner, packageType, name, options) {
    checkString('owner', owner)
    checkString('packageType', packageType)
    checkString('name', name)
    const hint = typeof options === 'string' ? `; give the state as an option: { state: '${options}' }` : ''
    const { state = 'active' } = checkOptions('versions', options, ['state'], hint)
    checkString('state', state)
    return JSON.parse(call(() => this.#server.versions(owner, packageType, name, state)))
  }

  /**
   * Stops serving at once and resolves when the server is down: requests in
   * flight may finish for five seconds, then those still unfinished are cut
   * off. The wait is off the JavaScript thread.
   */
  async stop() {
    await this.#server.stop()
  }

  async [Symbol.asyncDispose]() {
    await this.stop()
  }
}

module.exports = { Emulator }
