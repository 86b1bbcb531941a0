import type { ErrorCode, ErrorDetails, RateLimit } from './types'

export type * from './types'
export { Client, Owner, errorCodes, packageTypes, planCleanup } from './index'

/**
 * Every failure of this package: rejections of the client's Promises, throws
 * of its synchronous calls, and errors of async iteration.
 */
export declare class GitHubPackagesError extends Error {
  constructor(message: string, details: ErrorDetails)
  readonly name: 'GitHubPackagesError'
  /** What went wrong, as a stable name (`'not_found'`, `'rate_limited'`, ...). */
  readonly code: ErrorCode
  /** The HTTP status, when a response was received. */
  readonly status: number | null
  /** GitHub's own `message`, when a response was received (`message` is the SDK's sentence). */
  readonly githubMessage: string | null
  /** GitHub's `documentation_url`, when sent. */
  readonly documentationUrl: string | null
  /** The `X-GitHub-Request-Id` of the failed request, when sent. */
  readonly requestId: string | null
  /** How long GitHub asked to wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | null
  /** For `invalid_input`, the offending option or parameter as Node spells it (`perPage`, `app.installationId`). */
  readonly argument: string | null
  /** The rate-limit state the failed response reported, when relevant. */
  readonly rateLimit: RateLimit | null
}
