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
  /** GitHub's `documentation_url`, when sent. */
  documentationUrl?: string | null
  /** The `X-GitHub-Request-Id` of the failed request, when sent. */
  requestId?: string | null
  /** How long GitHub asked to wait before retrying (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | null
  /** For `invalid_input`, the name of the offending argument (GitHub's spelling, e.g. `per_page`). */
  argument?: string | null
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

/** Options of `new Client(options)`. */
export interface ClientOptions {
  /** The token; without one, `GITHUB_TOKEN` then `GH_TOKEN` are read. */
  token?: string
  /** Whether to read `GITHUB_TOKEN`/`GH_TOKEN` when no token is given (default `true`). */
  tokenFromEnv?: boolean
  /** `https://api.github.com` (default), or a GitHub Enterprise Server as `https://HOST/api/v3`. */
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
}

/** Options of `listPackages`, `packages` and `listAllPackages`. */
export interface ListPackagesOptions {
  /** The registry to list (GitHub requires it). */
  packageType: PackageType
  /** Only packages of this visibility. */
  visibility?: Visibility
  /** Page number, from 1 (for `packages`/`listAllPackages`: the first page to read). */
  page?: number
  /** Items per page, 1 to 100 (GitHub's default is 30). */
  perPage?: number
}

/** Options of `listPackageVersions`, `packageVersions` and `listAllPackageVersions`. */
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
