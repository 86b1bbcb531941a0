/**
 * Types of the values the `ghpackages` package takes and returns.
 *
 * Models are plain objects with GitHub's own field names (`created_at`,
 * `html_url`, ...), exactly as the REST API sends them: timestamps are
 * ISO 8601 strings in UTC (`"2024-05-01T12:00:00Z"`), and fields this package
 * does not describe are kept as sent.
 */

/** The registry a package belongs to. */
export type PackageType = 'npm' | 'maven' | 'rubygems' | 'docker' | 'nuget' | 'container'

/** Visibility of a package, and the `visibility` filter of package lists. */
export type Visibility = 'public' | 'private' | 'internal'

/** State filter of version lists: `active` (GitHub's default) or `deleted`. */
export type VersionState = 'active' | 'deleted'

/** The `code` of a {@link GitHubPackagesError}: what went wrong, as a stable name. */
export type ErrorCode =
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'validation'
  | 'conflict'
  | 'invalid_input'
  | 'server'
  | 'transport'
  | 'timeout'
  | 'decode'
  | 'other'

/** What a {@link GitHubPackagesError} carries besides its message. */
export interface ErrorDetails {
  /** The kind of failure. */
  code: ErrorCode
  /** The HTTP status, when a response was received. */
  status?: number | null
  /** GitHub's own `message`, when a response was received. */
  githubMessage?: string | null
  /** GitHub's `documentation_url`, when sent. */
  documentationUrl?: string | null
  /** The `X-GitHub-Request-Id` of the failed request, when sent. */
  requestId?: string | null
  /** How long GitHub asked to wait before retrying (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | null
  /** For `invalid_input`, the offending option or parameter as Node spells it (`perPage`, `app.installationId`). */
  argument?: string | null
  /** The rate-limit state the failed response reported, when relevant. */
  rateLimit?: RateLimit | null
}

/** How failed requests are retried; unset fields keep the defaults. */
export interface RetryOptions {
  /** Attempts in all, the first included; `1` disables retries (default 5). */
  maxAttempts?: number
  /** Backoff before the first retry, in milliseconds (default 200). */
  initialBackoffMs?: number
  /** Upper bound of one backoff, in milliseconds (default 30 000). */
  maxBackoffMs?: number
  /** Upper bound of all waiting for one request, in milliseconds (default 120 000). */
  maxTotalWaitMs?: number
}

/**
 * A GitHub App installation to authenticate as: the app id (or client id),
 * its private key (`privateKey`, the PEM text, or `privateKeyPath`, the PEM
 * file), and `installationId`, or the `owner` (organization or user) to look
 * the installation up on.
 */
export interface GitHubAppOptions {
  /** The app id (`123456`) or its client id (`Iv1.…`). */
  appId: number | string
  /** The private key in PEM. */
  privateKey?: string
  /** A file holding the private key in PEM. */
  privateKeyPath?: string
  /** The installation to act as. */
  installationId?: number
  /** The organization or user whose installation to act as. */
  owner?: string
  /** Renew the installation token this many milliseconds before it expires (default 300 000). */
  renewBeforeMs?: number
}

/** Options of `new Client(options)`. */
export interface ClientOptions {
  /** The token; without one, `GITHUB_TOKEN` then `GH_TOKEN` are read. */
  token?: string
  /** Whether to read `GITHUB_TOKEN`/`GH_TOKEN` when no token is given (default `true`). */
  tokenFromEnv?: boolean
  /**
   * `https://api.github.com`, or a GitHub Enterprise Server as `https://HOST/api/v3`.
   * Without it, `GITHUB_API_URL` is read, then `https://api.github.com` is used.
   */
  baseUrl?: string
  /** `X-GitHub-Api-Version` to send (default `2022-11-28`). */
  apiVersion?: string
  /** `User-Agent` to send. */
  userAgent?: string
  /** Timeout to establish a connection, in milliseconds. */
  connectTimeoutMs?: number
  /** Timeout of each request attempt, in milliseconds. */
  timeoutMs?: number
  /** Retry policy. */
  retry?: RetryOptions
  /** How many pages are fetched at once when listing everything (default 8). */
  pageConcurrency?: number
  /** Allow sending the token over plain `http://` to a non-loopback host. */
  allowInsecureHttp?: boolean
  /** Base URL of the container registry (default: derived from `baseUrl`). */
  registryUrl?: string
  /**
   * Authenticate as a GitHub App installation instead of with a token: the
   * client exchanges the app's JWT for installation tokens and renews them.
   */
  app?: GitHubAppOptions
  /** Called before each wait for a rate limit (retries, cleanup pacing), on the event loop. */
  onRateLimit?: (wait: RateLimitWait) => void
}

/** One wait for a rate limit: why, how long, and when requests resume. */
export interface RateLimitWait {
  /** `primary` (hourly budget spent), `secondary` (refused, `Retry-After`) or `pacing`. */
  reason: 'primary' | 'secondary' | 'pacing'
  wait_ms: number
  /** ISO 8601 timestamp. */
  resume_at: string
}

/** Options of `listPackages`, `streamPackages` and `listAllPackages` (the package type is their first argument). */
export interface ListPackagesOptions {
  /** Only packages of this visibility. */
  visibility?: Visibility
  /** Page number, from 1 (for `streamPackages`/`listAllPackages`: the first page to read). */
  page?: number
  /** Items per page, 1 to 100 (GitHub's default is 30). */
  perPage?: number
}

/** Options of `listPackageVersions`, `streamPackageVersions` and `listAllPackageVersions`. */
export interface ListPackageVersionsOptions {
  /** `active` (default) or `deleted` versions. */
  state?: VersionState
  /** Page number, from 1. */
  page?: number
  /** Items per page, 1 to 100 (GitHub's default is 30). */
  perPage?: number
}

/** Options of `restorePackage`. */
export interface RestorePackageOptions {
  /** GitHub's `token` query parameter: the package token to restore under. */
  token?: string
}

/** The `Link` relations of a page, as absolute URLs. */
export interface Links {
  next: string | null
  prev: string | null
  first: string | null
  last: string | null
}

/** A snapshot of the `X-RateLimit-*` headers of one response. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number
  /** Requests left in the window. */
  remaining: number
  /** Requests made in the window. */
  used: number
  /** When the window resets, as an ISO 8601 string. */
  reset: string
  /** Which budget (`core`, ...), when sent. */
  resource: string | null
}

/** One page of a list. */
export interface Page<T> {
  /** The items of this page, in GitHub's order. */
  items: T[]
  /** The `Link` relations of the response. */
  links: Links
  /** The rate-limit state reported with the response. */
  rateLimit: RateLimit | null
}

/** A GitHub user or organization (`simple-user`). */
export interface SimpleUser {
  name?: string | null
  email?: string | null
  login: string
  id: number
  node_id: string
  avatar_url: string
  gravatar_id: string | null
  url: string
  html_url: string
  followers_url: string
  following_url: string
  gists_url: string
  starred_url: string
  subscriptions_url: string
  organizations_url: string
  repos_url: string
  events_url: string
  received_events_url: string
  type: string
  site_admin: boolean
  starred_at?: string
  user_view_type?: string
  [field: string]: unknown
}

/**
 * A repository a package is linked to (`minimal-repository`). The most used
 * fields are typed; every other field GitHub sends is present as sent.
 */
export interface MinimalRepository {
  id: number
  node_id: string
  name: string
  full_name: string
  owner: SimpleUser
  private: boolean
  html_url: string
  description: string | null
  fork: boolean
  url: string
  visibility?: string
  default_branch?: string
  /** ISO 8601 timestamp. */
  created_at?: string | null
  /** ISO 8601 timestamp. */
  updated_at?: string | null
  /** ISO 8601 timestamp. */
  pushed_at?: string | null
  [field: string]: unknown
}

/** A software package (`package`). */
export interface Package {
  id: number
  /** The name of the package (container names may contain `/`). */
  name: string
  package_type: PackageType
  url: string
  html_url: string
  version_count: number
  visibility: Visibility
  owner?: SimpleUser
  repository?: MinimalRepository
  /** ISO 8601 timestamp, e.g. `"2024-05-01T12:00:00Z"`. */
  created_at: string
  /** ISO 8601 timestamp. */
  updated_at: string
  [field: string]: unknown
}

/** Tags of a container version. */
export interface ContainerMetadata {
  /** Tags pointing at the version; empty for untagged versions. */
  tags: string[]
}

/** Tags of a docker version; GitHub's schema spells the field both ways. */
export interface DockerMetadata {
  tag?: string[]
  tags?: string[]
}

/** Registry-specific metadata of a version. */
export interface PackageVersionMetadata {
  package_type: PackageType
  container?: ContainerMetadata
  docker?: DockerMetadata
  [field: string]: unknown
}

/** A version of a package (`package-version`). */
export interface PackageVersion {
  id: number
  /** The version's name (a container version's name is its digest). */
  name: string
  url: string
  package_html_url: string
  html_url?: string
  license?: string
  description?: string
  /** ISO 8601 timestamp. */
  created_at: string
  /** ISO 8601 timestamp. */
  updated_at: string
  /** ISO 8601 timestamp, for deleted versions. */
  deleted_at?: string
  metadata?: PackageVersionMetadata
  [field: string]: unknown
}

/** A pattern matched against a version's name and tags. */
export type CleanupPattern =
  /** Shell-style glob; the whole text must match, and `*` also matches `/`. */
  | { glob: string }
  /** Regular expression (Rust `regex` syntax), found anywhere unless anchored. */
  | { regex: string }

/**
 * Which versions a cleanup may delete, in the core's JSON shape (the same in
 * every language). A version is deleted when every rule that is set selects
 * it and no protection keeps it.
 */
export interface CleanupPolicy {
  /** Keep the N most recently created versions, whatever the other rules say. */
  keep_latest?: number
  /** Delete only versions older than an age (`"90d"`; units s, m, h, d, w) or created before a date (`"2026-01-31"`). */
  older_than?: string
  /** Delete only versions whose name or a tag matches one of these. */
  include?: CleanupPattern[]
  /** Never delete versions whose name or a tag matches one of these. */
  exclude?: CleanupPattern[]
  /** Delete only untagged, or only tagged, container versions (default `any`). */
  tags?: 'any' | 'untagged' | 'tagged'
  /** Protect semantic-version releases, or delete only pre-releases (default `any`). */
  semver?: 'any' | 'keep_releases' | 'only_prereleases'
  /** Never delete the most recent version (default `true`). */
  keep_newest?: boolean
  /** Never delete a version downloaded more than this many times (counts come from `facts`). */
  max_downloads?: number
}

/** What the planner knows about a package beyond its versions. */
export interface PackageFacts {
  /** The package's visibility. */
  visibility?: Visibility
  /** Download counts by version id (the REST API does not report them). */
  downloads?: Record<string, number>
}

/** Options of `planCleanup`. */
export interface PlanCleanupOptions {
  /** The instant ages are measured from, as an ISO 8601 string (default: now). */
  now?: string
  /** Facts about the package. */
  facts?: PackageFacts
}

/** The rule that decided a version's fate. */
export type CleanupRule =
  | 'policy'
  | 'github_download_limit'
  | 'last_version'
  | 'last_tagged_version'
  | 'newest'
  | 'keep_latest'
  | 'empty_policy'
  | 'excluded'
  | 'not_included'
  | 'tagged'
  | 'untagged'
  | 'not_container'
  | 'semver_release'
  | 'not_prerelease'
  | 'too_recent'
  | 'downloads'
  | 'downloads_unknown'
  | 'index_child'
  | 'referrer'
  | 'orphaned_reference'
  | 'graph_unreadable'
  | 'in_use'

/** The fate of one version. */
export interface CleanupDecision {
  version_id: number
  name: string
  tags: string[]
  /** ISO 8601 timestamp. */
  created_at: string
  action: 'delete' | 'keep'
  rule: CleanupRule
  /** The decision in words. */
  reason: string
  /** For a version in use: where each reference that keeps it was found (`FILE:LINE`), or the option that gave it (`keepTags`, `keepDigests`; `--keep-tag` from `ghpkg`). */
  kept_by?: string[]
}

/** What a plan says about the container manifest graph it used. */
export interface GraphSummary {
  /** `unreadable`: nothing in the package is deleted; `not_needed`: the policy deletes nothing, so no manifest was fetched. */
  status: 'read' | 'unreadable' | 'not_needed'
  /** Manifests in the graph. */
  manifests: number
  /** Manifest fetches made (each counts as a download on GitHub). */
  fetched: number
  /** Whether what only a deleted manifest references is deleted with it. */
  delete_referenced: boolean
  /** Why the graph could not be read. */
  error?: string
}

/** A plan: one decision per version, most recently created first. */
export interface CleanupPlan {
  policy: CleanupPolicy
  /** ISO 8601 timestamp the plan measured ages from. */
  now: string
  decisions: CleanupDecision[]
  /** For a container package planned with its manifest graph (`planPackageCleanup`). */
  graph?: GraphSummary
}

/** One package's decisions in a `PackagesPlan`. */
export interface PackagePlan {
  package: string
  decisions: CleanupDecision[]
  graph?: GraphSummary
}

/** A plan over several packages of one owner and type (`planPackagesCleanup`): the saved plan format (docs/plan-format.md). */
export interface PackagesPlan {
  format_version: 1
  /** The REST API the plan was made against. */
  api_url: string
  owner_type: 'org' | 'user' | 'authenticated_user'
  owner?: string
  package_type: PackageType
  policy: CleanupPolicy
  /** ISO 8601 timestamp the plan measured ages from. */
  planned_at: string
  packages: PackagePlan[]
}

/** A planned deletion `applyCleanupPlan` did not make, and why. */
export interface SkippedVersion {
  package: string
  version_id: number
  name: string
  reason: string
}

/** Options of `planPackageCleanup`. */
export interface PlanPackageCleanupOptions {
  /** Read a container package's manifest graph (default true). */
  manifestGraph?: boolean
  /** Delete what only a deleted manifest references: platform manifests of a deleted index, signatures of a deleted image (default true). */
  deleteReferenced?: boolean
  /** Manifests fetched at once (default 8). */
  concurrency?: number
  /** Download counts by version id (the REST API does not report them). */
  downloads?: Record<string, number>
  /** Files and directories (read recursively) whose image references to the client's registry (`ghcr.io/OWNER/NAME:TAG`, `…@sha256:…`) are kept, with their manifest graph; `kept_by` names `FILE:LINE`. */
  keepRefsFrom?: string[]
  /** Tags kept in every planned package, with their manifest graph. */
  keepTags?: string[]
  /** Manifest digests (`sha256:…`) kept in every planned package, with their manifest graph. */
  keepDigests?: string[]
}

/** Options of `validateContainer`. */
export interface ValidateContainerOptions {
  /** Manifests fetched at once (default 8). */
  concurrency?: number
}

/** The result of `validateContainer`. */
export interface ValidationReport {
  /** The registry repository checked (`owner/name`). */
  repository: string
  /** Tags whose graph was pulled. */
  tags: number
  /** Distinct manifests checked. */
  manifests: number
  /** Manifest fetches made. */
  fetched: number
  /** Manifests an index lists that the registry does not have. */
  missing: { digest: string; parent: string | null; tags: string[] }[]
  /** Manifests that could not be read for another reason. */
  unreadable: { digest: string; kind: ErrorCode; message: string }[]
}

/** The rate-limit budget cleanups pace their writes to, and where they stop; unset fields keep GitHub's numbers. */
export interface RateBudget {
  /** Points allowed on one endpoint per window (default 900); 0 turns pacing off. */
  points?: number
  /** Length of the window in milliseconds (default 60 000). */
  windowMs?: number
  /** Points one write costs (default 5). */
  writeCost?: number
  /** The most requests a cleanup sends (at least 1): its deletions, the `GET` before each with `checkEach`, and what it sends before the first deletion (the token's scopes; an apply's listings that check the plan). It stops there, with the report's `stopped` set; one whose requests before the first deletion leave no room for one is refused (`InvalidInputError`). */
  maxRequests?: number
  /** Requests of the hourly budget (`X-RateLimit-Remaining`) to leave for other jobs (default 0). */
  reserve?: number
  /** When the hourly budget is down to `reserve`: wait for its reset (default `true`, unlike `ghpkg`, which stops by default) or stop the cleanup. */
  waitForReset?: boolean
}

/** Why a cleanup stopped at its budget: run it again (planned afresh) to continue. */
export interface BudgetStop {
  reason: 'max_requests' | 'reserve'
  /**
   * Requests the run sent, as `maxRequests` counts them: the deletions, the check before
   * each, and what the run sent before its first deletion (the token's scopes; for
   * `applyCleanupPlan`, the listings that check the plan).
   */
  requests: number
  /** Planned deletions left undone. */
  left: number
  /** Requests left in the hourly budget, as GitHub last reported it. */
  remaining?: number
  /** ISO 8601 timestamp: when the hourly budget resets. */
  reset_at?: string
}

/** Options of `executeCleanup`. */
export interface ExecuteCleanupOptions {
  /**
   * JSON-lines undo journal to append each deletion to; without one, a new file in the
   * default journal directory (`$XDG_STATE_HOME/ghpackages/journals`, else
   * `~/.local/state/ghpackages/journals`), whose path the report's `journal` gives.
   */
  journal?: string
  /** `false`: no file; the report's `journal_entries` record the deletions instead (default `true`). */
  journalFile?: boolean
  /** Requests in flight at once (default 8). */
  concurrency?: number
  /** Pacing budget. */
  budget?: RateBudget
  /** How often one deletion may wait for a rate limit before it counts as failed (default 10). */
  maxRateLimitWaits?: number
  /**
   * Called with a `CleanupProgress` after each deletion's outcome, on the JavaScript thread,
   * without the run waiting for it. An exception it throws is caught and dropped: it does not
   * stop the run or reject the Promise.
   */
  onProgress?: (progress: CleanupProgress) => void
}

/** Deletions of one package, or of the whole run, in a `CleanupProgress`. */
export interface ProgressCounts {
  /** Deletions planned, less those an apply's check before each deletion skipped. */
  planned: number
  /** Outcomes known: deleted, already gone or failed. */
  done: number
  deleted: number
  already_gone: number
  failed: number
  /** Deletions still to do. */
  left: number
}

/** One step of a cleanup, passed to `onProgress`: the outcome just known, with where its package and the whole run stand. */
export interface CleanupProgress {
  /** The package the outcome belongs to. */
  target: CleanupTarget
  outcome: CleanupOutcome
  /** That package's deletions so far. */
  package: ProgressCounts
  /** The run's deletions so far, every package together. */
  total: ProgressCounts
  /** Milliseconds since the run started. */
  elapsed_ms: number
  /** Outcomes per second since the run started. */
  rate_per_sec: number
  /** Seconds until the run's last deletion: what is left at the rate so far, never less than the rate limits allow for it (the secondary limit's pace from where its current window stands; the hourly reset when the hour's requests will not do). */
  eta_secs?: number
  /** Seconds until the package's last deletion, by the same measure. */
  package_eta_secs?: number
}

/** Options of `applyCleanupPlan`. */
export interface ApplyCleanupPlanOptions extends ExecuteCleanupOptions {
  /**
   * Read each version again just before deleting it, and skip it if it changed since the
   * plan (default `true`): one more request per deletion. `false`: check only once, against
   * a listing taken before the deletions start, with half the requests.
   */
  checkEach?: boolean
}

/** Options of `undoCleanup`. */
export interface UndoCleanupOptions {
  /** The current time, as an ISO 8601 string, to tell expired entries (default: now). */
  now?: string
  /** Requests in flight at once (default 8). */
  concurrency?: number
  /** Pacing budget. */
  budget?: RateBudget
  /** How often one restore may wait for a rate limit (default 10). */
  maxRateLimitWaits?: number
  /** Only versions of packages whose name matches one of these globs. */
  packages?: string[]
  /** Only these versions, by id (as a string) or name. */
  versions?: string[]
  /** Only deletions recorded at or after this time: RFC 3339, a date, or an age (`2h`). */
  since?: string
  /** Only deletions recorded at or before this time (same forms as `since`). */
  until?: string
  /** Only the N most recent of the selected deletions, in journal order. */
  last?: number
  /** Restore nothing: say per version what would happen and why. */
  dryRun?: boolean
  /** Restore through this client even when the journal names another server. */
  allowOtherServer?: boolean
}

/** One line of an undo journal. */
export interface JournalEntry {
  state: 'pending' | 'deleted'
  owner_type: 'org' | 'user' | 'authenticated_user'
  owner?: string
  package_type: PackageType
  package: string
  version_id: number
  version: string
  tags?: string[]
  /** ISO 8601 timestamp. */
  at: string
  /** The API base URL of the server the deletion was made on. */
  api_url?: string
}

/** The package a cleanup worked on. */
export interface CleanupTarget {
  owner_type: 'org' | 'user' | 'authenticated_user'
  /** The owner's login; absent for the authenticated user. */
  owner?: string
  package_type: PackageType
  package: string
}

/** Why one deletion or restore failed. */
export interface OutcomeError {
  /** The error code (`forbidden`, `server`, ...). */
  kind: string
  status?: number
  message: string
}

/** The result of deleting one version. */
export interface CleanupOutcome {
  version_id: number
  name: string
  status: 'deleted' | 'already_gone' | 'failed'
  error?: OutcomeError
  /** ISO 8601 timestamp. */
  at: string
}

/** The result of `executeCleanup`. */
export interface CleanupReport {
  target: CleanupTarget
  /** ISO 8601 timestamp. */
  started_at: string
  /** ISO 8601 timestamp. */
  finished_at: string
  deleted: number
  already_gone: number
  failed: number
  /** The journal file the deletions were recorded in. */
  journal?: string
  /** With `journalFile: false`, the journal itself, for `undoCleanup`. */
  journal_entries?: JournalEntry[]
  outcomes: CleanupOutcome[]
  /** Set when the run stopped at its budget with deletions left. */
  stopped?: BudgetStop
}

/** The result of `executePackagesCleanup` and `applyCleanupPlan`: per package and in total. */
export interface PackagesReport {
  /** ISO 8601 timestamp. */
  started_at: string
  /** ISO 8601 timestamp. */
  finished_at: string
  deleted: number
  already_gone: number
  failed: number
  /** The one journal every deletion was recorded in. */
  journal?: string
  /** With `journalFile: false`, the journal itself, for `undoCleanup`. */
  journal_entries?: JournalEntry[]
  /** One report per package, in the plan's order. */
  packages: CleanupReport[]
  /** Set when the run stopped at its budget with deletions left. */
  stopped?: BudgetStop
  /** `applyCleanupPlan`: planned deletions skipped because their version changed since the plan (before the run, or, with `checkEach`, during it). */
  skipped?: SkippedVersion[]
}

/** The result of restoring one journaled deletion. */
export interface UndoOutcome {
  target: CleanupTarget
  version_id: number
  version: string
  /** ISO 8601 timestamp; absent for a deletion the journal records only as pending. */
  deleted_at?: string
  status: 'restored' | 'restorable' | 'expired' | 'already_active' | 'namespace_reused' | 'failed'
  /** What happened (or in a dry run would happen), and why. */
  reason: string
  error?: OutcomeError
}

/** The result of `undoCleanup`. */
export interface UndoReport {
  dry_run: boolean
  restored: number
  /** Dry run: versions an undo would restore. */
  restorable: number
  expired: number
  already_active: number
  namespace_reused: number
  failed: number
  outcomes: UndoOutcome[]
}
