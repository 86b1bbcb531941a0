import type { Client } from './index'
import type { ClientOptions, PackageType, PackageVersion } from './types'

/**
 * Data to start with: a fixture object (the emulator's fixture format, as in
 * its README: snake_case keys, times as ISO 8601 strings or `Date`s), a path
 * to a fixture JSON file, or `'demo'` for the demo data.
 */
export type FixtureSource = 'demo' | string | URL | Record<string, unknown>

/** Fault injection; `{}` turns it off. Each request draws once. */
export interface Faults {
  /** Fraction (0 to 1) of requests answered with one of `errorStatuses`. */
  errorRate?: number
  /** Statuses (400-599) of injected errors; default 500, 502, 503, 504. */
  errorStatuses?: number[]
  /** Milliseconds added to every request. */
  latencyMs?: number
  /** When above `latencyMs`, the latency is drawn from `latencyMs..=latencyMaxMs`. */
  latencyMaxMs?: number
  /** Fraction of connections closed without an answer. */
  dropRate?: number
  /** Fraction of requests answered `200` with a body cut short. */
  malformedRate?: number
  /** Makes the draws reproducible. */
  seed?: number
}

export interface EmulatorOptions {
  /** Default `'demo'`. */
  fixture?: FixtureSource
  /** GitHub's rate limits; default `false` (none, and no `X-RateLimit-*` headers). */
  limits?: boolean
  /** With `limits`, rate-limit windows pass this many times faster; default 1. */
  timeFactor?: number
  /** Faults from the start. */
  faults?: Faults | null
}

/**
 * How far to move the clock (the sum of the four); negative values move it
 * back. Each must be a finite number, and the emulator's time stays within
 * 1970-01-01 to 9999-12-31: otherwise the move is refused (`invalid_input`)
 * and changes nothing.
 */
export interface ClockAdvance {
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
}

/**
 * The project's emulator of the GitHub Packages API, serving on 127.0.0.1 on
 * a free port inside this process, with GitHub's semantics (soft deletes and
 * the 30-day restore window, rate limits), a clock the test moves and fault
 * injection. `await using emulator = await Emulator.start()` stops it at the
 * end of the block.
 *
 * Errors are `GitHubPackagesError`s: code `invalid_input` for refused
 * data, settings, clock moves, a missing token or an argument of the wrong
 * type or shape (an unknown option key included), `not_found` for an unknown
 * account or package, `other` once stopped.
 */
export declare class Emulator {
  /**
   * Starts an emulator; `{ fixture: 'demo' }` by default. A fixture path that
   * cannot be read is refused (`invalid_input`); `'demo'` is the only
   * built-in name.
   */
  static start(options?: EmulatorOptions): Promise<Emulator>
  private constructor()
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  /** The fixture's first token (`ghp_demo_octocat` for the demo data), or `null`. */
  readonly defaultToken: string | null
  /** A client of this emulator; `token` defaults to `defaultToken`, the environment is not read. */
  client(options?: ClientOptions): Client
  /** The emulator's time: the system time plus the clock's advance. */
  now(): Date
  /** Moves the clock: the 30-day restore window, `deleted_at` and rate-limit windows follow. */
  advanceClock(by?: ClockAdvance): void
  /** Replaces the fault injection; without an argument, turns it off. */
  setFaults(faults?: Faults): void
  /** Adds a fixture's data (all of it or, when refused, none); not the demo data. */
  load(fixture: Exclude<FixtureSource, 'demo'>): Promise<void>
  /**
   * Creates a package; `versions` and the other fields are in the fixture
   * format. A version without `created_at` is created at the emulator's time.
   * Throws with code `not_found` when `owner` is not an account of the emulator's.
   */
  addPackage(
    owner: string,
    packageType: PackageType,
    name: string,
    fields?: { versions?: Record<string, unknown>[] } & Record<string, unknown>,
  ): void
  /**
   * The versions of a live package, newest first, whoever may see them:
   * `active`, or `deleted` (still restorable). Throws a `GitHubPackagesError`
   * with code `not_found` for an unknown owner or package.
   */
  versions(
    owner: string,
    packageType: PackageType,
    name: string,
    options?: { state?: 'active' | 'deleted' },
  ): PackageVersion[]
  /**
   * Stops serving: no new connections, and the control methods throw (code
   * `other`). Requests in flight may finish for a grace period of five
   * seconds; those still unfinished then are cut off (their clients see the
   * connection break). Resolves when the server is down; the wait runs off
   * the JavaScript thread, so the event loop keeps running. Stopping again
   * resolves at once.
   */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}
