'use strict'
// The install script of a checkout's node/ directory (`npm install ./node`):
// the repository holds no binary, so the addon is built here, in the same
// `dist` Cargo profile the published platform packages use. Without cargo it
// stops with what to run instead of leaving napi's loader error for later.
// The published package has no install script: its addon comes in the
// platform package.

const { execFileSync, spawnSync } = require('node:child_process')
const { copyFileSync, existsSync } = require('node:fs')
const path = require('node:path')

const packageDir = path.resolve(__dirname, '..')
const manifest = path.join(packageDir, '..', 'bindings', 'node', 'Cargo.toml')

// `npm install` inside node/ itself installs the dev tools; `npm run build`
// (or `build:debug`) builds the addon there.
if (process.env.INIT_CWD && path.resolve(process.env.INIT_CWD) === packageDir) process.exit(0)

function platformName() {
  const { platform, arch } = process
  if (platform === 'win32') return `${platform}-${arch}-msvc`
  if (platform !== 'linux') return `${platform}-${arch}`
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
  return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`
}

const target = platformName()
const addon = path.join(packageDir, `ghpackages.${target}.node`)
const cargo = process.env.CARGO || 'cargo'
const { version } = require('../package.json')

// A packed copy of this directory (npm pack) carries its addon and no Rust
// sources; a checkout without cargo may still have an addon built earlier.
const noCargo = spawnSync(cargo, ['--version'], { stdio: 'ignore' }).error !== undefined
if (!existsSync(manifest) || noCargo) {
  if (existsSync(addon)) process.exit(0)
  console.error(
    `ghpackages: building the native addon for ${target} needs a Rust toolchain, and ` +
      (noCargo ? 'cargo is not on PATH.\n' : 'the Rust sources (../bindings/node) are not beside this package.\n') +
      `  Either install Rust (https://rustup.rs) and run npm install ./node again,\n` +
      `  or install the built packages instead: npm install ghpackages-${version}.tgz ghpackages-${target}-${version}.tgz\n` +
      `  (scripts/dist writes them to dist/; releases carry them).`,
  )
  process.exit(1)
}

console.error(`ghpackages: building the native addon for ${target} (cargo build --profile dist)`)
execFileSync(cargo, ['build', '--profile', 'dist', '--manifest-path', manifest], { stdio: 'inherit' })
const metadata = JSON.parse(
  execFileSync(cargo, ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], {
    encoding: 'utf8',
  }),
)
const built = {
  darwin: 'libghpackages_node.dylib',
  win32: 'ghpackages_node.dll',
}[process.platform] ?? 'libghpackages_node.so'
copyFileSync(path.join(metadata.target_directory, 'dist', built), addon)
console.error(`ghpackages: built ${path.basename(addon)}`)
