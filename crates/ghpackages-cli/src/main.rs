//! `ghpkg`: GitHub Packages from the command line.
//!
//! Exit codes: 0 success; 1 some operations failed (or another error);
//! 2 usage or invalid input; 3 authentication or permission; 4 not found;
//! 5 rate limited; 6 a prune stopped at its request budget (run it again to
//! continue).

/// `println!` that ends the program quietly when stdout is closed
/// (`ghpkg versions list ... | head`) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*))
    };
}

mod args;
mod commands;
mod credentials;
mod demo;
mod graph;
mod output;
mod progress;
mod prune;
mod summary;

use std::process::ExitCode;

use clap::Parser;
use ghpackages::{Client, Error, ErrorKind, Owner, TokenSource};
use serde::Serialize;

use crate::args::{Cli, Command, Global};

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Some of many operations failed; each was reported.
    SomeFailed,
    /// A prune stopped at its request budget with work left, as it said.
    Stopped,
}

/// What every command works with.
pub struct Context {
    pub client: Client,
    pub owner: Owner,
    pub json: bool,
}

impl Context {
    fn new(global: &Global) -> Result<Context, Error> {
        let owner = match (&global.org, &global.user) {
            (Some(org), _) => Owner::org(org),
            (None, Some(user)) => Owner::user(user),
            (None, None) => Owner::AuthenticatedUser,
        };
        // Unset, the core reads GITHUB_API_URL, and a client left at the
        // default lets undo follow the journal's server.
        let mut builder = Client::builder()
            .allow_insecure_http(global.allow_insecure_http)
            .insecure_http_setting("--allow-insecure-http");
        if let Some(url) = &global.api_url {
            builder = builder.base_url(url);
        }
        let json = global.json;
        builder = builder.on_rate_limit(move |wait| progress::announce_wait(wait, json));
        if let Some(registry) = &global.registry_url {
            builder = builder.registry_url(registry);
        }
        let builder = credentials::configure(builder, global, &owner)?;
        let mut client = builder.clone().build()?;
        if client.token_source() == TokenSource::None {
            if let Some(token) = credentials::gh_auth_token(client.base_url())? {
                client = builder.token(token.expose()).build()?;
            }
        }
        if global.verbose {
            eprintln!(
                "ghpkg: {}",
                credentials::describe(client.token_source(), global)
            );
        }
        if owner == Owner::AuthenticatedUser && !client.has_token() {
            return Err(Error::new(
                ErrorKind::Unauthorized,
                "no token: set GITHUB_TOKEN or GH_TOKEN, log in with `gh auth login`, or use --token-file or --app-id (or name an owner with --org/--user)",
            ));
        }
        Ok(Context {
            client,
            owner,
            json: global.json,
        })
    }
}

pub fn print_json(value: &impl Serialize) {
    out!(
        "{}",
        serde_json::to_string_pretty(value).expect("API values always serialize")
    );
}

fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidInput | ErrorKind::Validation => 2,
        ErrorKind::Unauthorized | ErrorKind::Forbidden => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::RateLimited => 5,
        _ => 1,
    }
}

fn report_error(error: &Error, json: bool) {
    if json {
        let value = serde_json::json!({"error": {
            "kind": error.kind().name(),
            "status": error.status(),
            "message": error.to_string(),
        }});
        eprintln!("{value}");
    } else {
        let text = error.to_string().replace('\n', " ");
        eprintln!("ghpkg: error: {text}");
    }
}

async fn run(cli: Cli) -> Result<Status, Error> {
    let context = || Context::new(&cli.global);
    if cli.global.summary_md.is_some()
        && !matches!(cli.command, Command::Prune(_) | Command::Apply(_))
    {
        return Err(Error::invalid_input(
            "summary_md",
            "--summary-md applies to ghpkg prune and ghpkg apply only",
        ));
    }
    match cli.command {
        Command::Demo => demo::run(cli.global.json).await,
        Command::Packages(command) => commands::packages(&context()?, command).await,
        Command::Versions(command) => commands::versions(&context()?, command).await,
        Command::Conflicts => commands::conflicts(&context()?).await,
        Command::Prune(prune) => {
            prune::prune(&context()?, *prune, cli.global.summary_md.as_deref()).await
        }
        Command::Apply(apply) => {
            prune::apply(&context()?, apply, cli.global.summary_md.as_deref()).await
        }
        Command::Undo(undo) => prune::undo(&context()?, undo).await,
        Command::Validate(validate) => graph::validate(&context()?, validate).await,
    }
}

/// clap's message on one line: its first paragraph (the error and, indented
/// below it, the arguments it is about), without the usage and tips after
/// the first blank line.
fn usage_error(text: &str) -> String {
    let mut lines = text.lines().take_while(|line| !line.trim().is_empty());
    let first = lines.next().unwrap_or("invalid usage");
    let first = first.strip_prefix("error: ").unwrap_or(first).trim();
    let named: Vec<&str> = lines.map(str::trim).collect();
    if named.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {}", named.join(", "))
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind as Clap;
            if matches!(error.kind(), Clap::DisplayHelp | Clap::DisplayVersion)
                || matches!(error.kind(), Clap::DisplayHelpOnMissingArgumentOrSubcommand)
            {
                let _ = error.print();
                let code = if error.use_stderr() { 2 } else { 0 };
                return ExitCode::from(code);
            }
            eprintln!(
                "ghpkg: error: {} (see ghpkg --help)",
                usage_error(&error.to_string())
            );
            return ExitCode::from(2);
        }
    };
    let json = cli.global.json;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::SomeFailed) => ExitCode::from(1),
        Ok(Status::Stopped) => ExitCode::from(6),
        Err(error) => {
            report_error(&error, json);
            ExitCode::from(exit_code(error.kind()))
        }
    }
}
