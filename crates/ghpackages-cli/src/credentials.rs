//! Where ghpkg's credentials come from: a GitHub App, `--token-file`,
//! `GITHUB_TOKEN`, `GH_TOKEN` (the last two read by the core), then the
//! GitHub CLI's `gh auth token`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ghpackages::{AppConfig, ClientBuilder, Error, Owner, Secret, TokenSource};

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

/// The token `gh auth token` prints for the API's host, when the GitHub CLI
/// is on PATH and logged in; `None` otherwise.
pub fn gh_auth_token(api_base: &str) -> Option<Secret> {
    let gh = find_on_path("gh")?;
    let mut command = Command::new(gh);
    command.args(["auth", "token"]);
    if let Some(host) = gh_hostname(api_base) {
        command.args(["--hostname", &host]);
    }
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let token = text.trim();
    (!token.is_empty()).then(|| Secret::new(token))
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
                (None, None) => format!(
                    "authenticating as GitHub App {app_id}, its installation on the --org/--user owner"
                ),
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
