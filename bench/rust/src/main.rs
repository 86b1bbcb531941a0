//! The Rust side of `scripts/bench`: the core client, and a raw HTTP loop
//! that makes the same requests and reads only `id` and `name` of every
//! item, against a running emulator. Each case prints one JSON object per
//! measured client on stdout (`{"case", "client", "times": [seconds per
//! repetition], "cpu": [...], "items", "id_sum", "name_chars", ...}`); the
//! driver `bench/run.py` checks the sums against the fixture and turns the
//! rows into the results table.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use futures::stream::{self, StreamExt};
use ghpackages::cleanup::{self, ExecuteOptions, Policy, RateBudget, UndoOptions};
use ghpackages::PackageRef;
use ghpackages::{Client, ListPackagesOptions, ListVersionsOptions, Owner, PackageType};
use serde::Deserialize;
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, BoxError>;

#[derive(Parser)]
#[command(about = "Benchmark cases of the Rust core against a running emulator")]
struct Cli {
    #[command(subcommand)]
    case: Case,
}

#[derive(Args, Clone)]
struct Common {
    /// Base URL of the emulator.
    #[arg(long)]
    base: String,
    /// Token with every packages scope.
    #[arg(long)]
    token: String,
    /// Organization owning the packages.
    #[arg(long)]
    org: String,
    /// Measured repetitions.
    #[arg(long, default_value_t = 5)]
    reps: usize,
    /// One unmeasured repetition first (connections, caches, allocator).
    #[arg(long)]
    warmup: bool,
}

#[derive(Subcommand)]
enum Case {
    /// Every version of one package: the core, and the raw baselines.
    ListVersions {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        package: String,
        #[arg(long, default_value = "npm")]
        package_type: PackageType,
        /// Pages in flight, for the core and the concurrent raw loop alike.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Every package of the organization: the core, and the raw baselines.
    ListPackages {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "container")]
        package_type: PackageType,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// `get_package` in a loop, one call at a time.
    GetPackage {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        package: String,
        #[arg(long, default_value = "npm")]
        package_type: PackageType,
        #[arg(long, default_value_t = 1000)]
        calls: usize,
    },
    /// Delete the oldest `count` versions, then restore them: bulk cleanup
    /// (execute + undo) against the same requests one at a time.
    Cleanup {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        package: String,
        #[arg(long, default_value = "npm")]
        package_type: PackageType,
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Run under GitHub's limits (emulator limits on, time-scaled).
        #[arg(long)]
        limits: bool,
        /// The emulator's rate-limit time factor when `--limits` is on.
        #[arg(long, default_value_t = 60.0)]
        time_factor: f64,
        #[arg(long, default_value = "emulator-admin")]
        admin_token: String,
        /// Requests in flight of the bulk cleanup.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Latency the emulator adds to every answer, as a network would.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
    },
    /// An organization prune under GitHub's primary and secondary limits,
    /// time-scaled: every package matching `--packages` planned with one
    /// policy and executed under one pacer, as `ghpkg prune --package` does.
    OrgPrune {
        #[command(flatten)]
        common: Common,
        /// Glob of the packages to prune.
        #[arg(long)]
        packages: String,
        #[arg(long, default_value = "npm")]
        package_type: PackageType,
        /// Versions of each package kept (the newest).
        #[arg(long)]
        keep: u32,
        /// Deletions the plan must come to.
        #[arg(long)]
        expect: usize,
        /// The emulator's rate-limit time factor.
        #[arg(long)]
        time_factor: f64,
        #[arg(long, default_value = "emulator-admin")]
        admin_token: String,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Every version of a large package while the emulator answers 500 for a
    /// moment half way through: every version must arrive exactly once.
    FaultyList {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        package: String,
        #[arg(long, default_value = "npm")]
        package_type: PackageType,
        /// Versions the package has.
        #[arg(long)]
        expect: usize,
        #[arg(long, default_value = "emulator-admin")]
        admin_token: String,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let statuses = Arc::new(Statuses::default());
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(StatusCounter(statuses.clone())),
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.case, statuses))
}

async fn run(case: Case, statuses: Arc<Statuses>) -> Result<()> {
    match case {
        Case::ListVersions {
            common,
            package,
            package_type,
            concurrency,
        } => {
            let client = core_client(&common, concurrency)?;
            let owner = Owner::org(&common.org);
            let options = ListVersionsOptions::default();
            measure(
                &common,
                "list-versions",
                "rust core",
                concurrency,
                || async {
                    let versions = client
                        .list_all_package_versions(&owner, package_type, &package, &options)
                        .await?;
                    Ok(versions
                        .iter()
                        .fold(Work::default(), |work, v| work.add(v.id, &v.name)))
                },
            )
            .await?;
            let url = format!(
                "{}/orgs/{}/packages/{}/{package}/versions?per_page=100",
                common.base,
                common.org,
                package_type.as_str(),
            );
            raw_loops(&common, "list-versions", &url, concurrency).await
        }
        Case::ListPackages {
            common,
            package_type,
            concurrency,
        } => {
            let client = core_client(&common, concurrency)?;
            let owner = Owner::org(&common.org);
            let options = ListPackagesOptions::new(package_type);
            measure(
                &common,
                "list-packages",
                "rust core",
                concurrency,
                || async {
                    let packages = client.list_all_packages(&owner, &options).await?;
                    Ok(packages
                        .iter()
                        .fold(Work::default(), |work, p| work.add(p.id, &p.name)))
                },
            )
            .await?;
            let url = format!(
                "{}/orgs/{}/packages?package_type={}&per_page=100",
                common.base,
                common.org,
                package_type.as_str(),
            );
            raw_loops(&common, "list-packages", &url, concurrency).await
        }
        Case::GetPackage {
            common,
            package,
            package_type,
            calls,
        } => {
            let client = core_client(&common, 1)?;
            let owner = Owner::org(&common.org);
            let (times, cpu, work) = repeat(&common, || async {
                let mut work = Work::default();
                for _ in 0..calls {
                    let found = client.get_package(&owner, package_type, &package).await?;
                    work = work.add(found.id, &found.name);
                }
                Ok(work)
            })
            .await?;
            emit(json!({
                "case": "get-package", "client": "rust core", "times": times, "cpu": cpu,
                "calls": calls, "items": work.items, "id_sum": work.id_sum,
                "name_chars": work.name_chars,
            }));
            Ok(())
        }
        Case::Cleanup {
            common,
            package,
            package_type,
            count,
            limits,
            time_factor,
            admin_token,
            concurrency,
            latency_ms,
        } => {
            let run = CleanupRun {
                admin: Admin::new(&common.base, &admin_token)?,
                client: core_client(&common, concurrency)?,
                target: PackageRef::new(Owner::org(&common.org), package_type, &package),
                count,
                limits,
                time_factor,
                concurrency,
                latency_ms,
                statuses,
            };
            run.all(&common).await
        }
        Case::OrgPrune {
            common,
            packages,
            package_type,
            keep,
            expect,
            time_factor,
            admin_token,
            concurrency,
        } => {
            let run = OrgPrune {
                admin: Admin::new(&common.base, &admin_token)?,
                client: core_client(&common, concurrency)?,
                owner: Owner::org(&common.org),
                packages,
                package_type,
                keep,
                expect,
                time_factor,
                concurrency,
            };
            run.measure().await
        }
        Case::FaultyList {
            common,
            package,
            package_type,
            expect,
            admin_token,
        } => {
            faulty_list(
                &common,
                &package,
                package_type,
                expect,
                &admin_token,
                statuses,
            )
            .await
        }
    }
}

fn core_client(common: &Common, page_concurrency: usize) -> Result<Client> {
    Ok(Client::builder()
        .base_url(&common.base)
        .token(&common.token)
        .token_from_env(false)
        .page_concurrency(page_concurrency)
        .build()?)
}

fn emit(value: Value) {
    println!("{value}");
}

/// What a client read of the items it returned: every client must answer
/// the same, or it did not do the same work (`bench/run.py` checks).
#[derive(Clone, Copy, Default, PartialEq, Debug)]
struct Work {
    items: u64,
    id_sum: u64,
    /// Characters of every name (the bench's names are ASCII).
    name_chars: u64,
}

impl Work {
    fn add(self, id: u64, name: &str) -> Work {
        Work {
            items: self.items + 1,
            id_sum: self.id_sum + id,
            name_chars: self.name_chars + name.chars().count() as u64,
        }
    }

    fn merge(self, other: Work) -> Work {
        Work {
            items: self.items + other.items,
            id_sum: self.id_sum + other.id_sum,
            name_chars: self.name_chars + other.name_chars,
        }
    }
}

/// CPU time of this process so far, in seconds: the sum over its threads
/// (the runtime's workers do the parsing), from `/proc/self/task/*/schedstat`.
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return f64::NAN;
    };
    let nanos: u64 = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanos as f64 / 1e9
}

/// Runs `body` `reps` times (after an unmeasured warm-up when asked): the
/// seconds and CPU seconds of each repetition, and the work `body`
/// answered, which must be the same every time.
async fn repeat<F, Fut>(common: &Common, mut body: F) -> Result<(Vec<f64>, Vec<f64>, Work)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Work>>,
{
    if common.warmup {
        body().await?;
    }
    let mut times = Vec::with_capacity(common.reps);
    let mut cpu = Vec::with_capacity(common.reps);
    let mut seen = None;
    for _ in 0..common.reps {
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        let work = body().await?;
        times.push(start.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - cpu_start);
        if seen.is_some_and(|seen| seen != work) {
            return Err(
                format!("the answer changed between repetitions: {seen:?} then {work:?}").into(),
            );
        }
        seen = Some(work);
    }
    Ok((times, cpu, seen.unwrap_or_default()))
}

/// Measures `body` and prints the row of `client`.
async fn measure<F, Fut>(
    common: &Common,
    case: &str,
    client: &str,
    concurrency: usize,
    body: F,
) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Work>>,
{
    let (times, cpu, work) = repeat(common, body).await?;
    emit(json!({
        "case": case, "client": client, "times": times, "cpu": cpu,
        "concurrency": concurrency, "items": work.items, "id_sum": work.id_sum,
        "name_chars": work.name_chars,
    }));
    Ok(())
}

/// The raw loops: the same pages, each body parsed only for the `id` and
/// `name` of its items. Sequential follows `rel="next"`; concurrent reads
/// page 1, then pages 2..=last `concurrency` at a time, as the core does.
async fn raw_loops(common: &Common, case: &str, url: &str, concurrency: usize) -> Result<()> {
    let http = raw_client(&common.token)?;
    measure(common, case, "raw sequential", 1, || {
        raw_sequential(&http, url)
    })
    .await?;
    measure(common, case, "raw concurrent", concurrency, || {
        raw_concurrent(&http, url, concurrency)
    })
    .await
}

fn raw_client(token: &str) -> Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse()?,
    );
    headers.insert(
        reqwest::header::ACCEPT,
        "application/vnd.github+json".parse()?,
    );
    headers.insert("x-github-api-version", "2022-11-28".parse()?);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("ghpackages-bench-raw")
        .build()?)
}

/// The two fields every client reads of an item; nothing else is parsed.
#[derive(Deserialize)]
struct IdName<'a> {
    id: u64,
    #[serde(borrow)]
    name: Cow<'a, str>,
}

/// GET `url`: its `Link` header and what its items hold.
async fn raw_get(http: &reqwest::Client, url: &str) -> Result<(Option<String>, Work)> {
    let response = http.get(url).send().await?;
    if !response.status().is_success() {
        return Err(format!("GET {url}: {}", response.status()).into());
    }
    let link = response
        .headers()
        .get(reqwest::header::LINK)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await?;
    let items: Vec<IdName<'_>> = serde_json::from_slice(&body)?;
    let work = items
        .iter()
        .fold(Work::default(), |work, item| work.add(item.id, &item.name));
    Ok((link, work))
}

async fn raw_sequential(http: &reqwest::Client, url: &str) -> Result<Work> {
    let mut work = Work::default();
    let mut next = Some(url.to_owned());
    while let Some(url) = next {
        let (link, page) = raw_get(http, &url).await?;
        work = work.merge(page);
        next = link
            .as_deref()
            .and_then(|l| link_rel(l, "next"))
            .map(str::to_owned);
    }
    Ok(work)
}

async fn raw_concurrent(http: &reqwest::Client, url: &str, concurrency: usize) -> Result<Work> {
    let (link, mut work) = raw_get(http, url).await?;
    let last = link
        .as_deref()
        .and_then(|l| link_rel(l, "last"))
        .and_then(page_of)
        .unwrap_or(1);
    let mut pages = stream::iter(2..=last)
        .map(|page| {
            let url = format!("{url}&page={page}");
            async move { raw_get(http, &url).await }
        })
        .buffered(concurrency.max(1));
    while let Some(page) = pages.next().await {
        work = work.merge(page?.1);
    }
    Ok(work)
}

/// The URL of relation `rel` in a `Link` header.
fn link_rel<'a>(header: &'a str, rel: &str) -> Option<&'a str> {
    let wanted = format!("rel=\"{rel}\"");
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .contains(&wanted)
            .then(|| target.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

fn page_of(url: &str) -> Option<u32> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
}

/// The emulator's admin API.
struct Admin {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Admin {
    fn new(base: &str, token: &str) -> Result<Admin> {
        Ok(Admin {
            http: reqwest::Client::builder().build()?,
            base: base.to_owned(),
            token: token.to_owned(),
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<()> {
        let mut request = self
            .http
            .request(method, format!("{}/_emulator/{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            return Err(format!("admin {path}: {}", response.status()).into());
        }
        Ok(())
    }

    /// Sets the rate limits (GitHub's numbers when on); counters restart.
    async fn limits(&self, enabled: bool, time_factor: f64) -> Result<()> {
        let body = json!({"enabled": enabled, "time_factor": time_factor});
        self.call(reqwest::Method::PUT, "limits", Some(body)).await
    }
}

/// GitHub's secondary limit on one endpoint: points per minute, and a write's cost.
const POINTS_PER_MINUTE: u32 = 900;
const WRITE_COST: u32 = 5;

struct CleanupRun {
    admin: Admin,
    client: Client,
    target: PackageRef,
    count: usize,
    limits: bool,
    time_factor: f64,
    concurrency: usize,
    latency_ms: u64,
    statuses: Arc<Statuses>,
}

/// One measured phase: its time, and the requests the server refused.
struct Phase {
    seconds: f64,
    rejected: usize,
    failed: usize,
}

impl CleanupRun {
    fn window(&self) -> Duration {
        Duration::from_secs_f64(60.0 / self.time_factor)
    }

    fn budget(&self) -> RateBudget {
        if self.limits {
            RateBudget {
                points: POINTS_PER_MINUTE,
                window_ms: self.window().as_millis() as u64,
                write_cost: WRITE_COST,
                ..RateBudget::default()
            }
        } else {
            RateBudget::unlimited()
        }
    }

    /// The least time `count` writes can take under the secondary limit:
    /// a full window's worth at once, then a window's wait per further batch.
    fn minimum_seconds(&self) -> f64 {
        if !self.limits {
            return 0.0;
        }
        let per_window = (POINTS_PER_MINUTE / WRITE_COST) as usize;
        let batches = self.count.div_ceil(per_window);
        (batches.saturating_sub(1)) as f64 * self.window().as_secs_f64()
    }

    /// Fresh limits (counters restart), so phases do not eat each other's budget.
    async fn reset_limits(&self) -> Result<()> {
        self.admin.limits(self.limits, self.time_factor).await
    }

    async fn timed<F, Fut>(&self, body: F) -> Result<Phase>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<usize>>,
    {
        self.reset_limits().await?;
        let rejected_before = self.statuses.rejected.load(Ordering::Relaxed);
        let start = Instant::now();
        let failed = body().await?;
        let seconds = start.elapsed().as_secs_f64();
        let rejected = self.statuses.rejected.load(Ordering::Relaxed) - rejected_before;
        Ok(Phase {
            seconds,
            rejected,
            failed,
        })
    }

    /// The ids of the `count` oldest versions, and the plan deleting them.
    async fn plan(&self) -> Result<cleanup::Plan> {
        let versions = self
            .client
            .list_all_package_versions(
                &self.target.owner,
                self.target.package_type,
                &self.target.name,
                &ListVersionsOptions::default(),
            )
            .await?;
        let keep = versions
            .len()
            .checked_sub(self.count)
            .filter(|keep| *keep > 0)
            .ok_or("the package has too few versions for this cleanup")?;
        let policy = Policy {
            keep_latest: Some(keep as u32),
            ..Policy::default()
        };
        let plan = cleanup::plan(&versions, &policy, chrono::Utc::now());
        let planned = plan.deletions().count();
        if planned != self.count {
            return Err(format!("the plan deletes {planned} versions, not {}", self.count).into());
        }
        Ok(plan)
    }

    async fn bulk(&self, journal: &Path) -> Result<(Phase, Phase)> {
        let plan = self.plan().await?;
        let options = ExecuteOptions {
            concurrency: self.concurrency,
            budget: self.budget(),
            journal: Some(journal.to_owned()),
            ..ExecuteOptions::default()
        };
        let delete = self
            .timed(|| async {
                let report = cleanup::execute(&self.client, &self.target, &plan, &options).await?;
                if report.deleted + report.failed != self.count {
                    return Err("the cleanup reported a different number of versions".into());
                }
                Ok(report.failed)
            })
            .await?;
        let options = UndoOptions {
            concurrency: self.concurrency,
            budget: self.budget(),
            ..UndoOptions::default()
        };
        let restore = self
            .timed(|| async {
                let report = cleanup::undo_journal(&self.client, journal, &options).await?;
                Ok(report.failed + report.already_active + report.expired)
            })
            .await?;
        Ok((delete, restore))
    }

    async fn one_at_a_time(&self) -> Result<(Phase, Phase)> {
        let plan = self.plan().await?;
        let ids: Vec<u64> = plan.deletions().map(|d| d.version_id).collect();
        let (owner, package_type, name) = (
            &self.target.owner,
            self.target.package_type,
            &self.target.name,
        );
        let delete = self
            .timed(|| async {
                let mut failed = 0;
                for id in &ids {
                    let result = self
                        .client
                        .delete_package_version(owner, package_type, name, *id)
                        .await;
                    failed += usize::from(result.is_err());
                }
                Ok(failed)
            })
            .await?;
        let restore = self
            .timed(|| async {
                let mut failed = 0;
                for id in &ids {
                    let result = self
                        .client
                        .restore_package_version(owner, package_type, name, *id)
                        .await;
                    failed += usize::from(result.is_err());
                }
                Ok(failed)
            })
            .await?;
        Ok((delete, restore))
    }

    async fn all(&self, common: &Common) -> Result<()> {
        let limits = if self.limits { "on" } else { "off" };
        let dir = tempfile::tempdir()?;
        if self.latency_ms > 0 {
            let faults = json!({"latency_ms": self.latency_ms});
            self.admin
                .call(reqwest::Method::PUT, "faults", Some(faults))
                .await?;
        }
        let mut rows: [(&str, Vec<Phase>); 4] = [
            ("bulk delete", Vec::new()),
            ("bulk restore", Vec::new()),
            ("one-at-a-time delete", Vec::new()),
            ("one-at-a-time restore", Vec::new()),
        ];
        for rep in 0..common.reps {
            let journal = dir.path().join(format!("journal-{rep}.jsonl"));
            let (delete, restore) = self.bulk(&journal).await?;
            rows[0].1.push(delete);
            rows[1].1.push(restore);
            let (delete, restore) = self.one_at_a_time().await?;
            rows[2].1.push(delete);
            rows[3].1.push(restore);
        }
        // Leave the emulator as the other cases expect it.
        self.admin.limits(false, 1.0).await?;
        if self.latency_ms > 0 {
            self.admin
                .call(reqwest::Method::DELETE, "faults", None)
                .await?;
        }
        for (client, phases) in rows {
            emit(json!({
                "case": "cleanup",
                "limits": limits,
                "latency_ms": self.latency_ms,
                "client": client,
                "count": self.count,
                "time_factor": self.time_factor,
                "minimum": self.minimum_seconds(),
                "times": phases.iter().map(|p| p.seconds).collect::<Vec<_>>(),
                "rejected": phases.iter().map(|p| p.rejected).collect::<Vec<_>>(),
                "failed": phases.iter().map(|p| p.failed).collect::<Vec<_>>(),
            }));
        }
        Ok(())
    }
}

/// Pages in flight while listing `faulty`: the core's default.
const FAULTY_PAGE_CONCURRENCY: usize = 8;

/// GitHub's primary limit: requests per hour for a token.
const REQUESTS_PER_HOUR: u64 = 5_000;

struct OrgPrune {
    admin: Admin,
    client: Client,
    owner: Owner,
    packages: String,
    package_type: PackageType,
    keep: u32,
    expect: usize,
    time_factor: f64,
    concurrency: usize,
}

impl OrgPrune {
    /// GitHub's limits on the emulator's sped-up windows.
    fn budget(&self) -> RateBudget {
        RateBudget {
            points: POINTS_PER_MINUTE,
            window_ms: (60_000.0 / self.time_factor) as u64,
            write_cost: WRITE_COST,
            ..RateBudget::default()
        }
    }

    /// The least time, in GitHub's seconds, `requests` requests of which the
    /// last `deletions` are deletions can take from the first request: the
    /// hour's requests at once (the planning's reads, then deletions at the
    /// secondary limit's pace, which fits an hour's worth in under 28
    /// minutes), a wait for each further hour, and in the last hour a minute
    /// per further window of deletions.
    fn minimum_seconds(requests: u64, deletions: u64) -> f64 {
        let per_window = u64::from(POINTS_PER_MINUTE / WRITE_COST);
        let hours = (requests.max(1) - 1) / REQUESTS_PER_HOUR;
        let in_last_hour = requests - hours * REQUESTS_PER_HOUR;
        let last_deletions = in_last_hour.min(deletions);
        let windows = last_deletions.div_ceil(per_window).saturating_sub(1);
        (hours * 3_600 + windows * 60) as f64
    }

    async fn rejections(&self) -> Result<(u64, u64)> {
        let response = self
            .admin
            .http
            .get(format!("{}/_emulator/limits/rejections", self.admin.base))
            .bearer_auth(&self.admin.token)
            .send()
            .await?
            .error_for_status()?;
        let counts: Value = response.json().await?;
        let count = |key: &str| counts[key].as_u64().unwrap_or(u64::MAX);
        Ok((count("primary"), count("secondary")))
    }

    async fn measure(&self) -> Result<()> {
        self.admin.limits(true, self.time_factor).await?;
        let rejected_before = self.rejections().await?;
        let dir = tempfile::tempdir()?;
        let policy = Policy {
            keep_latest: Some(self.keep),
            ..Policy::default()
        };
        let sent_before = self.client.requests_sent();
        let start = Instant::now();
        let plan = cleanup::plan_packages(
            &self.client,
            &self.owner,
            self.package_type,
            std::slice::from_ref(&self.packages),
            &policy,
            &cleanup::PlanOptions::default(),
        )
        .await?;
        if plan.delete_count() != self.expect {
            return Err(format!(
                "the plan deletes {} versions, not {}",
                plan.delete_count(),
                self.expect
            )
            .into());
        }
        let options = ExecuteOptions {
            concurrency: self.concurrency,
            budget: self.budget(),
            journal: Some(dir.path().join("org.jsonl")),
            ..ExecuteOptions::default()
        };
        let report = cleanup::execute_packages(&self.client, &plan, &options).await?;
        let seconds = start.elapsed().as_secs_f64();
        let requests = self.client.requests_sent() - sent_before;
        let rejected_after = self.rejections().await?;
        self.admin.limits(false, 1.0).await?;
        if report.deleted != self.expect || !report.is_success() {
            return Err(format!(
                "deleted {} of {} ({} failed)",
                report.deleted, self.expect, report.failed
            )
            .into());
        }
        let minimum = Self::minimum_seconds(requests, report.deleted as u64);
        emit(json!({
            "case": "org-prune", "client": "rust core", "times": [seconds],
            "packages": plan.packages.len(), "deleted": report.deleted,
            "requests": requests, "time_factor": self.time_factor,
            "github_seconds": seconds * self.time_factor,
            "minimum_github_seconds": minimum,
            "rejected_primary": rejected_after.0 - rejected_before.0,
            "rejected_secondary": rejected_after.1 - rejected_before.1,
        }));
        Ok(())
    }
}

async fn faulty_list(
    common: &Common,
    package: &str,
    package_type: PackageType,
    expect: usize,
    admin_token: &str,
    statuses: Arc<Statuses>,
) -> Result<()> {
    let client = core_client(common, FAULTY_PAGE_CONCURRENCY)?;
    let admin = Arc::new(Admin::new(&common.base, admin_token)?);
    let owner = Owner::org(&common.org);
    let mut times = Vec::new();
    let mut injected = Vec::new();
    for _ in 0..common.reps {
        let errors_before = statuses.server_errors.load(Ordering::Relaxed);
        let mut ids = HashSet::with_capacity(expect);
        let mut items = 0;
        let mut fault = None;
        let mut excluded = Duration::ZERO;
        let start = Instant::now();
        let mut versions = client.stream_package_versions(
            &owner,
            package_type,
            package,
            &ListVersionsOptions::default(),
        );
        while let Some(version) = versions.next().await {
            let version = version?;
            items += 1;
            ids.insert(version.id);
            if items == expect / 2 {
                // Faults are on before the stream is polled again, so the pages it has
                // not requested yet (at least the last one) meet them; the time the
                // switch takes is not the client's and is left out.
                let switching = Instant::now();
                set_500(&admin).await?;
                excluded += switching.elapsed();
                fault = Some(tokio::spawn(clear_after_500(
                    admin.clone(),
                    statuses.clone(),
                    errors_before,
                )));
            }
        }
        let seconds = (start.elapsed() - excluded).as_secs_f64();
        if let Some(fault) = fault {
            fault.await??;
        }
        let errors = statuses.server_errors.load(Ordering::Relaxed) - errors_before;
        if items != expect || ids.len() != expect {
            return Err(format!(
                "expected {expect} versions exactly once, got {items} items, {} distinct",
                ids.len()
            )
            .into());
        }
        if errors == 0 {
            return Err("no injected 500 reached the client; the case measured nothing".into());
        }
        times.push(seconds);
        injected.push(errors);
    }
    emit(json!({
        "case": "faulty-list",
        "client": "rust core",
        "times": times,
        "items": expect,
        "server_errors": injected,
    }));
    Ok(())
}

/// Makes the emulator answer 500 to every API request.
async fn set_500(admin: &Admin) -> Result<()> {
    let faults = json!({"error_rate": 1.0, "error_statuses": [500]});
    admin
        .call(reqwest::Method::PUT, "faults", Some(faults))
        .await
}

/// Turns faults off again once the client has seen a server error since `before`.
async fn clear_after_500(admin: Arc<Admin>, statuses: Arc<Statuses>, before: usize) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while statuses.server_errors.load(Ordering::Relaxed) == before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    admin.call(reqwest::Method::DELETE, "faults", None).await
}

/// HTTP statuses the core reported in its `response` events.
#[derive(Default)]
struct Statuses {
    /// 403 and 429: refused by a rate limit (the bench's tokens never lack a scope).
    rejected: AtomicUsize,
    /// 5xx.
    server_errors: AtomicUsize,
}

/// Counts the statuses of the core's per-attempt `response` events; every
/// other event is disabled at its callsite, so timing is unaffected.
struct StatusCounter(Arc<Statuses>);

impl<S: Subscriber> Layer<S> for StatusCounter {
    fn register_callsite(
        &self,
        metadata: &'static Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if metadata.fields().field("status").is_some() {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut status = StatusField(None);
        event.record(&mut status);
        match status.0 {
            Some(403 | 429) => self.0.rejected.fetch_add(1, Ordering::Relaxed),
            Some(500..=599) => self.0.server_errors.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
    }
}

struct StatusField(Option<u64>);

impl Visit for StatusField {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "status" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_counts_hourly_resets_then_the_last_hours_windows() {
        // 25,000 deletions after 300 reads: five full hours, then 300
        // deletions in two windows of the sixth.
        assert_eq!(
            OrgPrune::minimum_seconds(25_300, 25_000),
            5.0 * 3_600.0 + 60.0
        );
        // Within one hour: the secondary limit alone.
        assert_eq!(OrgPrune::minimum_seconds(2_100, 2_000), 11.0 * 60.0);
        assert_eq!(OrgPrune::minimum_seconds(180, 180), 0.0);
    }
}
