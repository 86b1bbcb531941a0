// The Node side of scripts/bench: our package against @octokit/rest with
// octokit.paginate, as octokit's documentation shows for listing every item
// (see bench/README.md). bench/run.py copies this file next to a throwaway
// node_modules holding @octokit/rest, and names our package's directory in
// GHPACKAGES_NODE_PACKAGE. Prints one JSON object per measured client
// ({"case", "client", "times": [seconds], "cpu": [seconds], "items",
// "id_sum", "name_chars", ...}). Every client reads `id` and `name` of every
// item it returns; bench/run.py checks the sums against the fixture.

import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { Octokit } from '@octokit/rest'

const require = createRequire(import.meta.url)
const { Client } = require(process.env.GHPACKAGES_NODE_PACKAGE)

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    token: { type: 'string' },
    org: { type: 'string' },
    package: { type: 'string' },
    'package-type': { type: 'string', default: 'npm' },
    reps: { type: 'string', default: '5' },
    warmup: { type: 'boolean', default: false },
    calls: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
  },
})
const [kase] = positionals
const reps = Number(args.reps)
const concurrency = Number(args.concurrency)
const packageType = args['package-type']

function workOf(items) {
  let idSum = 0
  let nameChars = 0
  for (const item of items) {
    idSum += item.id
    nameChars += item.name.length
  }
  return { items: items.length, id_sum: idSum, name_chars: nameChars }
}

function cpuSeconds() {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

async function repeat(body) {
  if (args.warmup) await body()
  const times = []
  const cpu = []
  let seen = null
  for (let i = 0; i < reps; i++) {
    const cpuStart = cpuSeconds()
    const start = process.hrtime.bigint()
    const work = await body()
    times.push(Number(process.hrtime.bigint() - start) / 1e9)
    cpu.push(cpuSeconds() - cpuStart)
    if (seen !== null && JSON.stringify(seen) !== JSON.stringify(work)) {
      throw new Error(`the answer changed between repetitions: ${JSON.stringify(seen)} then ${JSON.stringify(work)}`)
    }
    seen = work
  }
  return { times, cpu, ...seen }
}

function emit(client, measured, extra = {}) {
  console.log(JSON.stringify({ case: kase, client, ...measured, ...extra }))
}

const ours = new Client({
  baseUrl: args.base,
  token: args.token,
  tokenFromEnv: false,
  pageConcurrency: concurrency,
}).org(args.org)
const octokit = new Octokit({ auth: args.token, baseUrl: args.base })

if (kase === 'list-versions') {
  emit('node ours', await repeat(async () =>
    workOf(await ours.listAllPackageVersions(packageType, args.package))), { concurrency })
  emit('node octokit', await repeat(async () =>
    workOf(await octokit.paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
      org: args.org,
      package_type: packageType,
      package_name: args.package,
      per_page: 100,
    }))), { concurrency: 1 })
} else if (kase === 'list-packages') {
  emit('node ours', await repeat(async () =>
    workOf(await ours.listAllPackages(packageType))), { concurrency })
  emit('node octokit', await repeat(async () =>
    workOf(await octokit.paginate(octokit.rest.packages.listPackagesForOrganization, {
      org: args.org,
      package_type: packageType,
      per_page: 100,
    }))), { concurrency: 1 })
} else if (kase === 'get-package') {
  const calls = Number(args.calls)
  emit('node ours', await repeat(async () => {
    const found = []
    for (let i = 0; i < calls; i++) found.push(await ours.getPackage(packageType, args.package))
    return workOf(found)
  }), { calls })
} else {
  throw new Error(`unknown case ${kase}`)
}
