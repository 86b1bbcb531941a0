//! The emulator in-process, as its README shows it: started with the demo
//! data and no rate limits, asked for a package, its clock moved, stopped.

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig};

#[tokio::test]
async fn in_process() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::demo()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await?;
    let base = emulator.base_url(); // http://127.0.0.1:PORT
    let url = format!("{base}/orgs/octo-org/packages/container/octo-app");
    let answer = reqwest::Client::new()
        .get(&url)
        .bearer_auth("ghp_demo_octocat")
        .send()
        .await?;
    assert_eq!(answer.status(), 200);

    emulator.clock().advance(31.0 * 86_400.0); // the server's time moves too
    assert!(emulator.clock().offset_secs() >= 31.0 * 86_400.0);

    emulator.shutdown().await;
    assert!(reqwest::get(&url).await.is_err()); // nobody listens any more
    Ok(())
}
