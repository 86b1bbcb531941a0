// Conformance runner for Node: reads one request per line (JSON) on stdin,
// makes the call through the `ghpackages` package, and writes the outcome in
// the suite's normalized shape on stdout (see run.py). Option keys arrive in
// the cases' JSON spelling and are passed camelCase, as Node callers write them;
// an error's `argument` comes back in Node's spelling and is reported in the
// cases' (the core's) spelling.

import { createInterface } from 'node:readline'

import { Client, GitHubPackagesError } from '../../node/ghpackages.mjs'

const camel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (object) =>
  Object.fromEntries(Object.entries(object ?? {}).map(([k, v]) => [camel(k), v]))

// The Node name of a case's argument that is not the camelCase of the core's
// (see the table in bindings/node/src/errors.rs).
const CORE_NAMES = { versionId: 'package_version_id' }
const coreName = (name) =>
  name == null ? name : CORE_NAMES[name] ?? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function client(request) {
  const settings = request.client
  return new Client({
    baseUrl: request.base_url,
    token: request.token,
    tokenFromEnv: false,
    ...(settings.retry ? { retry: camelKeys(settings.retry) } : {}),
    ...(settings.timeout_ms ? { timeoutMs: settings.timeout_ms } : {}),
  })
}

function owner(client, spec) {
  if ('org' in spec) return client.org(spec.org)
  if ('user' in spec) return client.user(spec.user)
  return client.me()
}

const ids = (items) => ({ ids: items.map((item) => item.id) })
const page = ({ items, links }) => ({ ids: items.map((item) => item.id), links })

async function collect(iterable) {
  const items = []
  for await (const item of iterable) items.push(item)
  return items
}

async function call(request) {
  const { op, args = {}, options } = request.call
  const handle = owner(client(request), request.call.owner)
  const opts = options === undefined ? undefined : camelKeys(options)
  const type = args.package_type
  const name = args.package_name
  switch (op) {
    case 'list_packages':
      return page(await handle.listPackages(type, opts))
    case 'list_all_packages':
      return ids(await handle.listAllPackages(type, opts))
    case 'stream_packages':
      return ids(await collect(handle.streamPackages(type, opts)))
    case 'get_package': {
      const found = await handle.getPackage(type, name)
      return { id: found.id, name: found.name }
    }
    case 'delete_package':
      return (await handle.deletePackage(type, name)) ?? null
    case 'restore_package':
      return (await handle.restorePackage(type, name, args.token === undefined ? undefined : { token: args.token })) ?? null
    case 'list_package_versions':
      return page(await handle.listPackageVersions(type, name, opts))
    case 'list_all_package_versions':
      return ids(await handle.listAllPackageVersions(type, name, opts))
    case 'stream_package_versions':
      return ids(await collect(handle.streamPackageVersions(type, name, opts)))
    case 'get_package_version': {
      const version = await handle.getPackageVersion(type, name, args.version_id)
      return { id: version.id, name: version.name }
    }
    case 'delete_package_version':
      return (await handle.deletePackageVersion(type, name, args.version_id)) ?? null
    case 'restore_package_version':
      return (await handle.restorePackageVersion(type, name, args.version_id)) ?? null
    case 'list_docker_migration_conflicts':
      return ids(await handle.listDockerMigrationConflicts())
    case 'plan_cleanup': {
      const plan = await handle.planPackageCleanup(type, name, args.policy, opts)
      return { delete: plan.decisions.filter((d) => d.action === 'delete').map((d) => d.version_id) }
    }
    default:
      throw new Error(`unknown operation ${op}`)
  }
}

async function answer(request) {
  try {
    return { ok: await call(request) }
  } catch (error) {
    if (!(error instanceof GitHubPackagesError)) throw error
    return {
      error: {
        kind: error.code,
        status: error.status,
        argument: coreName(error.argument),
        github_message: error.githubMessage,
      },
    }
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(JSON.stringify(await answer(JSON.parse(line))) + '\n')
}
