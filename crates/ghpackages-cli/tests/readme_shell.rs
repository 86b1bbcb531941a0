//! The repository README's emulator snippet, run as written: its first line
//! starts the demo emulator on port 8080, which a test cannot hold, so the
//! same demo emulator runs in-process on a free port and the second line is
//! run by `sh` with that port put in, `ghpkg` being this build's binary.

use std::path::Path;
use std::process::Command;

use ghpackages_emulator::{Emulator, EmulatorConfig};

const EMULATOR_LINE: &str = "cargo run -q -p ghpackages-emulator -- --port 8080 --demo";
const README_URL: &str = "http://127.0.0.1:8080";

/// The `sh` block of the README that starts the emulator, line by line.
fn snippet() -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let mut blocks = readme.split("```sh\n").skip(1).map(|rest| {
        rest.split("\n```")
            .next()
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    blocks
        .find(|lines| lines.first().map(String::as_str) == Some(EMULATOR_LINE))
        .expect("the README starts the demo emulator in an sh block")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_lists_the_demo_packages_through_the_emulator() {
    let lines = snippet();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].contains(README_URL), "{}", lines[1]);
    let emulator = Emulator::start(EmulatorConfig::demo()).await.unwrap();
    let line = lines[1].replace(README_URL, emulator.base_url());
    let ghpkg = Path::new(env!("CARGO_BIN_EXE_ghpkg"));
    let path = format!(
        "{}:{}",
        ghpkg.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("sh");
    command
        .args(["-c", &line])
        .env("PATH", path)
        .env_remove("GITHUB_API_URL")
        .env_remove("GH_TOKEN");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    let names: Vec<&str> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(stdout.starts_with("NAME "), "{stdout}");
    for name in [
        "octo-app",
        "octo-org/base-image",
        "nightly-builds",
        "octo-web",
    ] {
        assert!(names.contains(&name), "{name} missing from:\n{stdout}");
    }
    emulator.shutdown().await;
}
