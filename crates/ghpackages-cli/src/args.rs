//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ghpackages::cleanup::RateBudget;
use ghpackages::{PackageType, VersionState, Visibility};

/// List, delete, restore and prune GitHub Packages, with undo.
///
/// The token is read from --token-file, else GITHUB_TOKEN, then GH_TOKEN,
/// then `gh auth token` when the GitHub CLI is installed; or ghpkg
/// authenticates as a GitHub App with --app-id and --app-private-key.
/// Packages belong to the authenticated user unless --org or --user names
/// another owner.
#[derive(Debug, Parser)]
#[command(name = "ghpkg", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Work on the packages of this organization.
    #[arg(
        help_heading = "Targets",
        long,
        global = true,
        value_name = "ORG",
        conflicts_with = "user"
    )]
    pub org: Option<String>,
    /// Work on the packages of this user.
    #[arg(help_heading = "Targets", long, global = true, value_name = "USER")]
    pub user: Option<String>,
    /// API base URL (GitHub Enterprise Server: https://HOST/api/v3). Default:
    /// GITHUB_API_URL, else https://api.github.com.
    #[arg(help_heading = "Auth", long, global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// Print JSON on stdout instead of tables (errors, progress and
    /// rate-limit waits become JSON lines on stderr).
    #[arg(help_heading = "Output", long, global = true)]
    pub json: bool,
    /// Send the token over plain http to a host other than loopback
    /// (localhost, 127.0.0.0/8, ::1); refused otherwise, since anyone on the
    /// way could read it.
    #[arg(help_heading = "Auth", long, global = true)]
    pub allow_insecure_http: bool,
    /// Container registry base URL (default: derived from --api-url:
    /// ghcr.io, or https://containers.HOST on GitHub Enterprise Server).
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "URL",
        env = "GHPKG_REGISTRY_URL"
    )]
    pub registry_url: Option<String>,
    /// prune, apply: also write a Markdown summary of the run to FILE (per package:
    /// kept, deleted, skipped, and the first rows of the plan), cut to stay
    /// under GitHub's 1 MiB job-summary limit.
    #[arg(help_heading = "Output", long, global = true, value_name = "FILE")]
    pub summary_md: Option<PathBuf>,
    /// Say on stderr where the credentials come from (never the token).
    #[arg(help_heading = "Output", short = 'v', long, global = true)]
    pub verbose: bool,
    /// Read the token from FILE (surrounding whitespace is ignored), before
    /// GITHUB_TOKEN, GH_TOKEN and `gh auth token`.
    // A value that starts with `-` is still taken as the file, so a secret
    // given in its place reaches the check that refuses to echo it instead
    // of a parse error that would print it.
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "FILE",
        allow_hyphen_values = true
    )]
    pub token_file: Option<PathBuf>,
    #[command(flatten)]
    pub app: AppArgs,
}

/// Authenticating as a GitHub App installation.
#[derive(Debug, Args)]
pub struct AppArgs {
    /// Authenticate as this GitHub App (its app id, or its client id):
    /// ghpkg exchanges the app's JWT for installation tokens and renews them.
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "ID",
        requires = "app_private_key"
    )]
    pub app_id: Option<String>,
    /// The app's private key, a PEM file as GitHub hands it out.
    // `allow_hyphen_values`: a PEM given in its place (`-----BEGIN ...`)
    // must reach the check that refuses to echo it, not clap's parse error.
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "FILE",
        requires = "app_id",
        allow_hyphen_values = true
    )]
    pub app_private_key: Option<PathBuf>,
    /// The installation to act as.
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "N",
        requires = "app_id",
        conflicts_with = "app_owner"
    )]
    pub installation_id: Option<u64>,
    /// Act as the app's installation on this organization or user (default:
    /// the --org or --user owner).
    #[arg(
        help_heading = "Auth",
        long,
        global = true,
        value_name = "OWNER",
        requires = "app_id"
    )]
    pub app_owner: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show, delete or restore packages.
    #[command(subcommand)]
    Packages(PackagesCommand),
    /// List, show, delete or restore package versions.
    #[command(subcommand)]
    Versions(VersionsCommand),
    /// List packages that conflict with the Docker migration.
    Conflicts,
    /// Plan (and with --yes, execute) a cleanup of one package's versions,
    /// or of several packages' (--package GLOB, --all-packages) in one run.
    Prune(Box<PruneArgs>),
    /// Execute a plan saved by `prune --plan-out`, deleting only versions
    /// unchanged since the plan (same name, same tags), checked before the
    /// deletions start and again just before each, and for containers none
    /// that an image pushed since refers to; the others are skipped, each
    /// with its reason.
    Apply(ApplyArgs),
    /// Restore what a prune journal records as deleted (all of it, or what
    /// the filters select), on the server the journal names.
    #[command(disable_version_flag = true)]
    Undo(UndoArgs),
    /// Pull the manifest graph of every tag of a container package and
    /// report any manifest an index lists that the registry no longer has.
    Validate(ValidateArgs),
    /// Walk through list, prune plan, prune and undo against a built-in
    /// emulator with demo data: no token, no network.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum PackagesCommand {
    /// List packages of one type.
    List {
        #[arg(short = 't', long = "type", visible_alias = "package-type", value_name = "TYPE", value_parser = package_type)]
        package_type: PackageType,
        /// Only packages of this visibility (public, private, internal).
        #[arg(long, value_parser = visibility)]
        visibility: Option<Visibility>,
    },
    /// Show one package.
    Get(PackageArgs),
    /// Delete a package (restorable for 30 days).
    Delete(PackageArgs),
    /// Restore a deleted package.
    Restore {
        #[command(flatten)]
        package: PackageArgs,
        /// The `token` query parameter GitHub accepts when restoring. On
        /// the command line, process listings and shell history see it:
        /// prefer GHPKG_RESTORE_TOKEN or --restore-token-file.
        #[arg(
            long,
            value_name = "TOKEN",
            env = "GHPKG_RESTORE_TOKEN",
            hide_env_values = true
        )]
        restore_token: Option<String>,
        /// Read the restore token from this file (surrounding whitespace
        /// is ignored); it takes precedence over --restore-token.
        #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
        restore_token_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum VersionsCommand {
    /// List the versions of a package, newest first.
    List {
        #[command(flatten)]
        package: PackageArgs,
        /// `active` (default) or `deleted` versions.
        #[arg(long, value_parser = version_state)]
        state: Option<VersionState>,
    },
    /// Show one version.
    Get(VersionArgs),
    /// Delete a version (restorable for 30 days).
    Delete(VersionArgs),
    /// Restore a deleted version.
    Restore(VersionArgs),
}

/// One package.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The registry: npm, maven, rubygems, docker, nuget or container.
    #[arg(short = 't', long = "type", visible_alias = "package-type", value_name = "TYPE", value_parser = package_type)]
    pub package_type: PackageType,
    /// The package's name.
    pub name: String,
}

/// One version of one package.
#[derive(Debug, Args)]
pub struct VersionArgs {
    #[command(flatten)]
    pub package: PackageArgs,
    /// The version's id.
    pub version_id: u64,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// The registry: npm, maven, rubygems, docker, nuget or container.
    #[arg(help_heading = "Targets", short = 't', long = "type", visible_alias = "package-type", value_name = "TYPE", value_parser = package_type)]
    pub package_type: PackageType,
    /// The package's name (or --package/--all-packages for several).
    #[arg(
        required_unless_present_any = ["packages", "all_packages"],
        conflicts_with_all = ["packages", "all_packages"]
    )]
    pub name: Option<String>,
    /// Prune every package of the owner whose name matches this glob
    /// (repeatable): each planned with the same policy, all executed under
    /// one rate-limit pacer into one journal.
    #[arg(help_heading = "Targets", long = "package", value_name = "GLOB")]
    pub packages: Vec<String>,
    /// Prune every package of the owner of this type (as --package '*').
    #[arg(help_heading = "Targets", long, conflicts_with = "packages")]
    pub all_packages: bool,
    /// Read the policy from this JSON file; the flags below override it.
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Keep the N most recent versions.
    #[arg(help_heading = "Policy", long, value_name = "N")]
    pub keep_latest: Option<u32>,
    /// Delete only versions older than this: 90d, 12h, 2w, or a date.
    #[arg(help_heading = "Policy", long, value_name = "AGE")]
    pub older_than: Option<String>,
    /// Delete only versions whose name or a tag matches this glob (repeatable).
    #[arg(help_heading = "Policy", long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Delete only versions whose name or a tag matches this regex (repeatable).
    #[arg(help_heading = "Policy", long, value_name = "REGEX")]
    pub include_regex: Vec<String>,
    /// Never delete versions whose name or a tag matches this glob (repeatable).
    #[arg(help_heading = "Policy", long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Never delete versions whose name or a tag matches this regex (repeatable).
    #[arg(help_heading = "Policy", long, value_name = "REGEX")]
    pub exclude_regex: Vec<String>,
    /// Delete only untagged container versions.
    #[arg(help_heading = "Policy", long, conflicts_with = "tagged")]
    pub untagged: bool,
    /// Delete only tagged container versions.
    #[arg(help_heading = "Policy", long)]
    pub tagged: bool,
    /// Never delete semantic-version releases (1.2.3, v1.2.3).
    #[arg(help_heading = "Policy", long, conflicts_with = "only_prereleases")]
    pub keep_releases: bool,
    /// Delete only semantic-version pre-releases (1.2.3-rc.1).
    #[arg(help_heading = "Policy", long)]
    pub only_prereleases: bool,
    /// Allow deleting the newest version (kept by default).
    #[arg(help_heading = "Policy", long)]
    pub allow_newest: bool,
    /// Never delete a version downloaded more than N times. The REST API
    /// does not report download counts: versions missing from --downloads are kept.
    #[arg(help_heading = "Policy", long, value_name = "N")]
    pub max_downloads: Option<u64>,
    /// Download counts by version id, as a JSON object ({"123": 40, ...}),
    /// for --max-downloads and GitHub's 5,000-downloads rule.
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub downloads: Option<PathBuf>,
    /// Execute the plan. Without it, only the plan is shown.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Undo journal to append deletions to (default: ghpkg-prune-TIME.jsonl).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Deletions (and manifest fetches) in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    #[command(flatten)]
    pub budget: BudgetArgs,
    /// Plan a container package from its versions alone, without reading its
    /// manifest graph from the registry (can break multi-platform images and
    /// orphan signatures).
    #[arg(help_heading = "Keep", long)]
    pub no_manifest_graph: bool,
    /// Keep the platform manifests, signatures and attestations that only a
    /// deleted manifest referenced (deleted with it by default).
    #[arg(help_heading = "Keep", long)]
    pub keep_referenced: bool,
    /// Keep every version that these files or directories (read
    /// recursively; any text: Kubernetes manifests, compose files, Helm
    /// values, workflows) reference as REGISTRY/OWNER/NAME:TAG or
    /// REGISTRY/OWNER/NAME@sha256:..., with its platform manifests,
    /// signatures and attestations. REGISTRY is the container registry's
    /// host (see --registry-url).
    #[arg(help_heading = "Keep", long, value_name = "PATH", num_args = 1..)]
    pub keep_refs_from: Vec<PathBuf>,
    /// Keep the version with this tag, in every package (repeatable).
    #[arg(help_heading = "Keep", long, value_name = "TAG")]
    pub keep_tag: Vec<String>,
    /// Keep the version with this digest (sha256:...), in every package (repeatable).
    #[arg(help_heading = "Keep", long, value_name = "DIGEST")]
    pub keep_digest: Vec<String>,
    /// Write the plan to this file (JSON, docs/plan-format.md) and delete
    /// nothing; review it, then run `ghpkg apply FILE --yes`.
    #[arg(
        help_heading = "Output",
        long,
        value_name = "FILE",
        conflicts_with = "yes"
    )]
    pub plan_out: Option<PathBuf>,
}

/// The request budget a deleting run keeps to (`prune` and `apply`).
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Send at most N API requests, then stop with exit code 6 and say what
    /// is left; the same command run again continues. A prune counts its
    /// planning too; an apply its check of the plan (one listing per
    /// package), then its deletions and the check before each (2 requests a
    /// deletion). When planning or that check alone needs N or more, nothing
    /// is deleted and the run fails (exit code 2): give a larger N.
    #[arg(help_heading = "Budget", long, value_name = "N", requires = "yes", allow_hyphen_values = true, value_parser = at_least_one)]
    pub max_requests: Option<u64>,
    /// Leave at least N requests of the token's hourly budget (read from
    /// X-RateLimit-Remaining) for other jobs: stop there with exit code 6, or
    /// with --wait-for-reset wait for the hourly reset. The run also stops
    /// (or waits) when the hourly budget is spent without --reserve. It
    /// governs the deletions and their checks, not planning.
    #[arg(help_heading = "Budget", long, value_name = "N", requires = "yes", allow_hyphen_values = true, value_parser = whole_number)]
    pub reserve: Option<u64>,
    /// When the hourly budget is spent (down to --reserve), wait for its
    /// reset and go on instead of stopping.
    #[arg(help_heading = "Budget", long, requires = "yes")]
    pub wait_for_reset: bool,
    /// The secondary limit deletions are paced to, as POINTS/SECONDS (a
    /// deletion costs 5 points, the check an apply makes before it 1):
    /// GitHub's 900/60 by default; 0 turns pacing off (servers without
    /// secondary limits).
    #[arg(help_heading = "Budget", long, value_name = "POINTS/SECONDS", value_parser = secondary_limit)]
    pub secondary_limit: Option<RateBudget>,
}

/// `ghpkg apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan `prune --plan-out` wrote.
    pub plan: PathBuf,
    /// Execute the plan. Without it, only what would be deleted and skipped is shown.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Undo journal to append deletions to (default: ghpkg-prune-TIME.jsonl).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Deletions in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Do not read each version again just before deleting it; check the
    /// plan only against one listing per package taken before the deletions
    /// start. Halves the requests (1 instead of 2 a deletion), but a version
    /// tagged, renamed or deleted during the run is no longer seen.
    #[arg(long, requires = "yes")]
    pub no_check_each: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// `ghpkg validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The container package's name.
    pub name: String,
    /// Manifest fetches in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The journal a prune wrote.
    pub journal: PathBuf,
    /// Restores in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Only versions of packages whose name matches this glob (repeatable).
    #[arg(long = "package", value_name = "GLOB")]
    pub packages: Vec<String>,
    /// Only this version, by id or name (repeatable).
    #[arg(long = "version", value_name = "ID|NAME")]
    pub versions: Vec<String>,
    /// Only deletions recorded at or after this time: an RFC 3339 time, a
    /// date (2026-11-27), or an age (2h: two hours ago).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only deletions recorded at or before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only the N most recent of the selected deletions, in journal order.
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// Restore nothing: show what would be restored, and why not otherwise.
    #[arg(long)]
    pub dry_run: bool,
    /// Restore through --api-url/GITHUB_API_URL even when the journal names
    /// another server.
    #[arg(long)]
    pub allow_other_server: bool,
    /// The secondary limit restores are paced to, as POINTS/SECONDS (a
    /// restore costs 5 points): GitHub's 900/60 by default; 0 turns pacing off.
    #[arg(long, value_name = "POINTS/SECONDS", value_parser = secondary_limit)]
    pub secondary_limit: Option<RateBudget>,
}

fn secondary_limit(text: &str) -> Result<RateBudget, String> {
    let bad = || format!("{text:?} is not POINTS/SECONDS (GitHub's: 900/60), nor 0 for no pacing");
    if text.trim() == "0" {
        return Ok(RateBudget::unlimited());
    }
    let (points, seconds) = text.split_once('/').ok_or_else(bad)?;
    let points: u32 = points.trim().parse().map_err(|_| bad())?;
    let seconds: f64 = seconds.trim().parse().map_err(|_| bad())?;
    if points == 0 || !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
        return Err(bad());
    }
    Ok(RateBudget {
        points,
        window_ms: ((seconds * 1000.0).round() as u64).max(1),
        ..RateBudget::default()
    })
}

fn whole_number(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a whole number of requests (0 or more)"))
}

fn at_least_one(text: &str) -> Result<u64, String> {
    match whole_number(text)? {
        0 => Err("a budget of 0 requests cannot delete anything: give 1 or more".to_owned()),
        n => Ok(n),
    }
}

fn package_type(text: &str) -> Result<PackageType, String> {
    text.parse()
        .map_err(|e: ghpackages::Error| e.message().to_owned())
}

fn visibility(text: &str) -> Result<Visibility, String> {
    text.parse()
        .map_err(|e: ghpackages::Error| e.message().to_owned())
}

fn version_state(text: &str) -> Result<VersionState, String> {
    text.parse()
        .map_err(|e: ghpackages::Error| e.message().to_owned())
}
