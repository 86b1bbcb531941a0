// Uses every public name of the package; type-checked by scripts/test-node
// with `tsc --noEmit --strict`.

import {
  Client,
  GitHubPackagesError,
  Owner,
  errorCodes,
  planCleanup,
  type CleanupDecision,
  type CleanupOutcome,
  type CleanupPattern,
  type CleanupPlan,
  type CleanupPolicy,
  type CleanupReport,
  type CleanupRule,
  type CleanupTarget,
  type ClientOptions,
  type ExecuteCleanupOptions,
  type ContainerMetadata,
  type DockerMetadata,
  type ErrorCode,
  type ErrorDetails,
  type Links,
  type ListPackageVersionsOptions,
  type ListPackagesOptions,
  type MinimalRepository,
  type OutcomeError,
  type PackageFacts,
  type Package,
  type PackageType,
  type PackageVersion,
  type PackageVersionMetadata,
  type Page,
  type PlanCleanupOptions,
  type RateBudget,
  type RateLimit,
  type RestorePackageOptions,
  type RetryOptions,
  type SimpleUser,
  type UndoCleanupOptions,
  type UndoOutcome,
  type UndoReport,
  type VersionState,
  type Visibility,
} from 'ghpackages'

const retry: RetryOptions = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 2000, maxTotalWaitMs: 10_000 }
const options: ClientOptions = {
  token: 'ghp_demo_octocat',
  baseUrl: 'http://127.0.0.1:8080',
  timeoutMs: 10_000,
  connectTimeoutMs: 2_000,
  retry,
}

/** Tags of a version, whichever registry it is from. */
function tags(version: PackageVersion): string[] {
  const metadata: PackageVersionMetadata | undefined = version.metadata
  const container: ContainerMetadata | undefined = metadata?.container
  const docker: DockerMetadata | undefined = metadata?.docker
  return container?.tags ?? docker?.tags ?? docker?.tag ?? []
}

function describePackage(pkg: Package): string {
  const owner: SimpleUser | undefined = pkg.owner
  const repository: MinimalRepository | undefined = pkg.repository
  const visibility: Visibility = pkg.visibility
  return `${owner?.login}/${pkg.name} (${pkg.package_type}, ${visibility}) from ${repository?.full_name ?? '-'}, created ${pkg.created_at}`
}

async function prune(owner: Owner, type: PackageType, name: string, keep: number): Promise<number[]> {
  const state: VersionState = 'active'
  const query: ListPackageVersionsOptions = { state, perPage: 100 }
  const doomed: number[] = []
  let seen = 0
  for await (const version of owner.streamPackageVersions(type, name, query)) {
    seen += 1
    if (seen > keep && tags(version).length === 0) doomed.push(version.id)
  }
  await Promise.all(doomed.map((id) => owner.deletePackageVersion(type, name, id)))
  return doomed
}

async function main(): Promise<void> {
  const client = new Client(options)
  const org: Owner = client.org('octo-org')
  const query: ListPackagesOptions = { visibility: 'private', perPage: 50 }

  const page: Page<Package> = await org.listPackages('container', query)
  const links: Links = page.links
  const limit: RateLimit | null = page.rateLimit ?? client.rateLimit()
  console.log(page.items.map(describePackage), links.next, limit?.remaining, client.tokenScopes())

  for await (const pkg of org.streamPackages('container', query)) console.log(pkg.name)
  const everything: Package[] = await org.listAllPackages('container', query)
  console.log(everything.length, org.kind, org.name, client.baseUrl, client.hasToken)

  const versions: Page<PackageVersion> = await client.user('octocat').listPackageVersions('npm', 'octo-scratch')
  const all: PackageVersion[] = await client.me().listAllPackageVersions('npm', 'octo-scratch')
  const one: PackageVersion = await org.getPackageVersion('container', 'octo-app', all[0]?.id ?? 1)
  console.log(versions.items.length, one.name, tags(one))

  const removed = await prune(org, 'container', 'octo-app', 5)
  for (const id of removed) await org.restorePackageVersion('container', 'octo-app', id)

  const restore: RestorePackageOptions = { token: 'ghp_package_token' }
  await org.deletePackage('npm', 'octo-config')
  await org.restorePackage('npm', 'octo-config', restore)
  const pkg: Package = await org.getPackage('npm', 'octo-config')
  const conflicts: Package[] = await org.listDockerMigrationConflicts()
  console.log(pkg.version_count, conflicts.map((p) => p.name))

  try {
    await org.getPackage('npm', 'does-not-exist')
  } catch (error) {
    if (error instanceof GitHubPackagesError) {
      const code: ErrorCode = error.code
      console.log(code, error.status, error.documentationUrl, error.requestId, error.retryAfterMs, error.argument, error.rateLimit?.reset)
    } else {
      throw error
    }
  }
  const details: ErrorDetails = { code: 'other', status: 418 }
  const codes: ErrorCode[] = errorCodes()
  console.log(new GitHubPackagesError('custom', details).code, codes.length)
}

/** Deletes untagged versions older than 30 days, keeping the 10 newest; undoes it on request. */
async function retention(client: Client, undoAfterwards: boolean): Promise<void> {
  const owner = client.org('octo-org')
  const versions = await owner.listAllPackageVersions('container', 'octo-app')
  const exclude: CleanupPattern[] = [{ glob: 'v1.*' }, { regex: '^release-' }]
  const policy: CleanupPolicy = { keep_latest: 10, older_than: '30d', tags: 'untagged', semver: 'keep_releases', exclude }
  const facts: PackageFacts = { visibility: 'private', downloads: { '100001': 12 } }
  const planOptions: PlanCleanupOptions = { now: new Date().toISOString(), facts }
  const plan: CleanupPlan = planCleanup(versions, policy, planOptions)
  for (const decision of plan.decisions) {
    const d: CleanupDecision = decision
    const rule: CleanupRule = d.rule
    console.log(d.action, d.version_id, rule, d.reason)
  }
  const budget: RateBudget = { points: 900, windowMs: 60_000, writeCost: 5 }
  const executeOptions: ExecuteCleanupOptions = { journal: 'prune.jsonl', concurrency: 8, budget, maxRateLimitWaits: 10 }
  const report: CleanupReport = await owner.executeCleanup('container', 'octo-app', plan, executeOptions)
  const target: CleanupTarget = report.target
  const failures: CleanupOutcome[] = report.outcomes.filter((o) => o.status === 'failed')
  const errors: (OutcomeError | undefined)[] = failures.map((o) => o.error)
  console.log(target.package, report.deleted, report.already_gone, errors)
  if (undoAfterwards) {
    const undoOptions: UndoCleanupOptions = { concurrency: 4, budget }
    const undone: UndoReport = await client.undoCleanup('prune.jsonl', undoOptions)
    const expired: UndoOutcome[] = undone.outcomes.filter((o) => o.status === 'expired')
    console.log(undone.restored, expired.length)
  }
}

retention(new Client(options), true).catch(console.error)

main().catch((error: unknown) => {
  console.error(error)
})
