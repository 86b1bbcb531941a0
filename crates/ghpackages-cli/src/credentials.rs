//! Where ghpkg's credentials come from: a GitHub App, `--token-file`,
//! `GITHUB_TOKEN`, `GH_TOKEN` (the last two read by the core), then the
//! GitHub CLI's `gh auth token`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ghpackages::{AppConfig, ClientBuilder, Error, ErrorKind, Owner, Secret, TokenSource};

use crate::args::Global;

/// Sets the builder's credentials from the flags: an app, or a token file.
/// Without either, the core reads the environment.
pub fn configure(
    mut builder: ClientBuilder,
    global: &Global,
    owner: &Owner,
) -> Result<ClientBuilder, Error> {
    let app = &global.app;
    if let Some(app_id) = &app.app_id {
        if global.token_file.is_some() {
            return Err(Error::invalid_input(
                "token_file",
                "--token-file and --app-id are two ways to authenticate: give one",
            ));
        }
        let app_owner = app.app_owner.clone().or_else(|| match owner {
            Owner::Org(name) | Owner::User(name) if app.installation_id.is_none() => {
                Some(name.clone())
            }
            _ => None,
        });
        if app.installation_id.is_none() && app_owner.is_none() {
            return Err(Error::invalid_input(
                "installation_id",
                "--app-id needs --installation-id N or --app-owner OWNER (or --org/--user)",
            ));
        }
        let config = AppConfig {
            app_id: Some(app_id.clone()),
            private_key_path: app.app_private_key.clone(),
            installation_id: app.installation_id,
            owner: app_owner,
            ..AppConfig::default()
        };
        let built = config.build().map_err(|error| rename(error, app_flag))?;
        return Ok(builder.app(built));
    }
    if let Some(path) = &global.token_file {
        builder = builder.token(read_token_file(path)?);
    }
    Ok(builder)
}

/// The flag the user typed for a setting of the core's app options.
fn app_flag(argument: &str) -> Option<&'static str> {
    match argument {
        "app_id" => Some("--app-id"),
        "private_key" | "private_key_path" => Some("--app-private-key"),
        "installation_id" => Some("--installation-id"),
        "owner" => Some("--app-owner"),
        _ => None,
    }
}

/// `error` with its argument spelled as the flag, and its message prefixed
/// by it.
fn rename(error: Error, flag: fn(&str) -> Option<&'static str>) -> Error {
    match error.argument().and_then(flag) {
        Some(flag) => Error::invalid_input(flag, format!("{flag}: {}", error.message())),
        None => error,
    }
}

fn read_token_file(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Error::invalid_input(
            "--token-file",
            ghpackages::unreadable_secret_file("token", path, &error),
        )
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::invalid_input(
            "--token-file",
            format!(
                "{} is empty",
                ghpackages::secret_file_in_error("token", path)
            ),
        ));
    }
    Ok(token.to_owned())
}

/// How long `gh auth token` may take before ghpkg gives up on it.
const GH_TIMEOUT: Duration = Duration::from_secs(10);

/// The token `gh auth token` prints for the API's host, when the GitHub CLI
/// is on PATH and logged in; `None` otherwise. A `gh` that does not answer
/// within ten seconds, or prints something that cannot be a token, is an
/// error naming `gh` as the source (the output itself is never shown).
pub fn gh_auth_token(api_base: &str) -> Result<Option<Secret>, Error> {
    let Some(gh) = find_on_path("gh") else {
        return Ok(None);
    };
    let mut command = Command::new(&gh);
    command.args(["auth", "token"]);
    if let Some(host) = gh_hostname(api_base) {
        command.args(["--hostname", &host]);
    }
    let Ok(mut child) = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    // Read on a thread so a gh that never closes its output cannot block us.
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        let _ = sender.send(bytes);
    });
    let deadline = Instant::now() + GH_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::new(
                    ErrorKind::Unauthorized,
                    format!(
                        "`{} auth token` did not answer within {} seconds; set GITHUB_TOKEN or GH_TOKEN, or use --token-file, instead",
                        gh.display(),
                        GH_TIMEOUT.as_secs()
                    ),
                ));
            }
            Err(_) => return Ok(None),
        }
    };
    if !status.success() {
        return Ok(None);
    }
    let bytes = receiver
        .recv_timeout(Duration::from_secs(1))
        .unwrap_or_default();
    let unusable = || {
        Error::invalid_input(
            "token",
            format!(
                "the token `{} auth token` printed contains characters not allowed in a header (more than one line?); check `gh auth status`, or set GITHUB_TOKEN or GH_TOKEN",
                gh.display()
            ),
        )
    };
    let text = String::from_utf8(bytes).map_err(|_| unusable())?;
    let token = text.trim();
    if token.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(unusable());
    }
    Ok((!token.is_empty()).then(|| Secret::new(token)))
}

/// The host `gh` knows the API by: none for github.com (gh's default),
/// else the API URL's host (GitHub Enterprise Server).
fn gh_hostname(api_base: &str) -> Option<String> {
    let host = url_host(api_base)?;
    (host != "api.github.com").then_some(host)
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// The first executable file named `name` in PATH's folders.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.with_extension("exe").is_file() || path.is_file()
}

/// What `-v` says about the credentials in use.
pub fn describe(source: TokenSource, global: &Global) -> String {
    match source {
        TokenSource::Explicit => match &global.token_file {
            // A file name that looks like a token is not echoed even here.
            Some(path) if ghpackages::looks_like_secret(&path.to_string_lossy()) => {
                "using the token from --token-file".to_owned()
            }
            Some(path) => format!("using the token from --token-file {}", path.display()),
            None => "using the token from `gh auth token`".to_owned(),
        },
        TokenSource::Environment(name) => format!("using the token from {name}"),
        TokenSource::GitHubApp => {
            let app = &global.app;
            let app_id = app.app_id.as_deref().unwrap_or("?");
            match (app.installation_id, &app.app_owner) {
                (Some(id), _) => {
                    format!("authenticating as GitHub App {app_id}, installation {id}")
                }
                (None, Some(owner)) => format!(
                    "authenticating as GitHub App {app_id}, its installation on {owner}"
                ),
                (None, None) => match global.org.as_ref().or(global.user.as_ref()) {
                    Some(owner) => format!(
                        "authenticating as GitHub App {app_id}, its installation on {owner}"
                    ),
                    None => format!(
                        "authenticating as GitHub App {app_id}, with no installation to find: give --installation-id, --app-owner, --org or --user"
                    ),
                },
            }
        }
        _ => "no token: GITHUB_TOKEN and GH_TOKEN are unset and `gh auth token` gave none; requests are anonymous".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gh_is_asked_for_the_enterprise_host_only() {
        assert_eq!(gh_hostname("https://api.github.com"), None);
        assert_eq!(
            gh_hostname("https://ghes.example.com/api/v3").as_deref(),
            Some("ghes.example.com")
        );
        assert_eq!(
            gh_hostname("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1")
        );
    }
}
