'use strict'
// The package's entry point: the native classes, plus the two things a
// native module cannot express on its own — an `Error` subclass for
// rejections, and async iteration of item streams.

const native = require('./binding.cjs')

class GitHubPackagesError extends Error {
  constructor(message, details = { code: 'other' }) {
    super(message)
    this.name = 'GitHubPackagesError'
    this.code = details.code
    this.status = details.status ?? null
    this.githubMessage = details.githubMessage ?? null
    this.documentationUrl = details.documentationUrl ?? null
    this.requestId = details.requestId ?? null
    this.retryAfterMs = details.retryAfterMs ?? null
    this.argument = details.argument ?? null
    this.rateLimit = details.rateLimit ?? null
  }
}

native.registerErrorClass(GitHubPackagesError)

native.ItemStream.prototype[Symbol.asyncIterator] = async function* items() {
  for (;;) {
    const item = await this.next()
    if (item === null) return
    yield item
  }
}

module.exports = {
  Client: native.Client,
  Owner: native.Owner,
  GitHubPackagesError,
  errorCodes: native.errorCodes,
  packageTypes: native.packageTypes,
  planCleanup: native.planCleanup,
}
