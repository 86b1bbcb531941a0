'use strict'
// Loads the native addon through the loader napi generates (index.js). When
// no addon matches this machine, napi's own error blames an npm bug; this one
// names the platform package that is missing and what to run instead.

function platformName() {
  const { platform, arch } = process
  if (platform === 'win32') return `${platform}-${arch}-msvc`
  if (platform !== 'linux') return `${platform}-${arch}`
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
  return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`
}

try {
  module.exports = require('./index.js')
} catch (cause) {
  const target = platformName()
  const { version } = require('./package.json')
  const error = new Error(
    `ghpackages: no native addon for ${target}. It comes in the npm package ` +
      `ghpackages-${target}@${version}, an optional dependency of ghpackages: install it ` +
      `(npm install ghpackages-${target}@${version}, or the ghpackages-${target}-${version}.tgz ` +
      `of a release, next to ghpackages-${version}.tgz). Without a package for ${target}, build ` +
      `the addon from a checkout with a Rust toolchain: npm install ./node.`,
  )
  error.code = 'ERR_GHPACKAGES_NO_ADDON'
  error.cause = cause
  throw error
}
