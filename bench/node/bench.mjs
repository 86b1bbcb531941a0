// The Node side of scripts/bench: our package against @octokit/rest with
// octokit.paginate. bench/run.py copies this file next to a throwaway
// node_modules holding @octokit/rest, and names our package's directory in
// GHPACKAGES_NODE_PACKAGE. Prints one JSON object per measured client
// ({"case", "client", "times": [seconds], ...}).

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
  },
})
const [kase] = positionals
const reps = Number(args.reps)
const packageType = args['package-type']

async function repeat(body) {
  if (args.warmup) await body()
  const times = []
  let seen = null
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint()
    const items = await body()
    times.push(Number(process.hrtime.bigint() - start) / 1e9)
    if (seen !== null && seen !== items) {
      throw new Error(`item count changed between repetitions: ${seen} then ${items}`)
    }
    seen = items
  }
  return { times, items: seen ?? 0 }
}

function emit(client, result, extra = {}) {
  console.log(JSON.stringify({ case: kase, client, times: result.times, items: result.items, ...extra }))
}

const ours = new Client({ baseUrl: args.base, token: args.token, tokenFromEnv: false }).org(args.org)
const octokit = new Octokit({ auth: args.token, baseUrl: args.base })

if (kase === 'list-versions') {
  emit('node ours', await repeat(async () =>
    (await ours.listAllPackageVersions(packageType, args.package)).length))
  emit('node octokit', await repeat(async () =>
    (await octokit.paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, {
      org: args.org,
      package_type: packageType,
      package_name: args.package,
      per_page: 100,
    })).length))
} else if (kase === 'list-packages') {
  emit('node ours', await repeat(async () =>
    (await ours.listAllPackages({ packageType })).length))
  emit('node octokit', await repeat(async () =>
    (await octokit.paginate(octokit.rest.packages.listPackagesForOrganization, {
      org: args.org,
      package_type: packageType,
      per_page: 100,
    })).length))
} else if (kase === 'get-package') {
  const calls = Number(args.calls)
  emit('node ours', await repeat(async () => {
    for (let i = 0; i < calls; i++) await ours.getPackage(packageType, args.package)
    return calls
  }), { calls })
} else {
  throw new Error(`unknown case ${kase}`)
}
