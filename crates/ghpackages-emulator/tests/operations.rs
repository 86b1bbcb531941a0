//! Every one of the 27 operations over real HTTP, for success and for each
//! documented error status, under both API roots.

mod common;

use common::*;
use serde_json::Value;

/// One owner family and the demo data used to exercise it.
struct Family {
    root: &'static str,
    package_type: &'static str,
    package: &'static str,
    versions: usize,
    version: u64,
    deletable_version: u64,
    conflicts: &'static [&'static str],
}

const FAMILIES: [Family; 3] = [
    Family {
        root: "/orgs/octo-org",
        package_type: "container",
        package: "octo-app",
        versions: 8,
        version: 100008,
        deletable_version: 100002,
        conflicts: &["legacy-app"],
    },
    Family {
        root: "/users/octocat",
        package_type: "npm",
        package: "octo-scratch",
        versions: 3,
        version: 100036,
        deletable_version: 100035,
        conflicts: &["hello_docker_legacy"],
    },
    Family {
        root: "/user",
        package_type: "npm",
        package: "octo-scratch",
        versions: 3,
        version: 100036,
        deletable_version: 100035,
        conflicts: &["hello_docker_legacy"],
    },
];

impl Family {
    fn package_path(&self, prefix: &str) -> String {
        format!(
            "{prefix}{}/packages/{}/{}",
            self.root, self.package_type, self.package
        )
    }

    fn version_path(&self, prefix: &str, id: u64) -> String {
        format!("{}/versions/{id}", self.package_path(prefix))
    }

    fn missing_path(&self, prefix: &str) -> String {
        format!(
            "{prefix}{}/packages/{}/no-such-package",
            self.root, self.package_type
        )
    }
}

#[tokio::test]
async fn list_packages_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = format!(
                "{prefix}{}/packages?package_type={}",
                family.root, family.package_type
            );
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            assert!(resp.names().contains(&family.package.to_owned()), "{path}");
            for item in resp.items() {
                assert_eq!(item["package_type"], family.package_type);
                assert!(item["owner"]["login"].is_string());
                assert!(item["url"].as_str().unwrap().starts_with(&env.url(prefix)));
            }
            env.get(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.get(&path, Some(NOSCOPES))
                .await
                .assert_error(403, "read:packages");
            let missing_type = format!("{prefix}{}/packages", family.root);
            env.get(&missing_type, Some(OCTOCAT))
                .await
                .assert_error(400, "package_type");
            let too_deep = format!("{path}&per_page=100&page=101");
            env.get(&too_deep, Some(OCTOCAT))
                .await
                .assert_error(400, "cannot be greater than 10000");
        }
    }
    env.get("/orgs/no-such-org/packages?package_type=npm", Some(OCTOCAT))
        .await
        .assert_error(404, "Not Found");
}

#[tokio::test]
async fn get_package_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = family.package_path(prefix);
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            assert_eq!(resp.body["name"], family.package);
            assert_eq!(resp.body["version_count"], family.versions);
            assert_eq!(
                resp.body["url"],
                Value::String(env.url(&path.replace("/user/", "/users/octocat/")))
            );
            env.get(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.get(&path, Some(NOSCOPES))
                .await
                .assert_error(403, "read:packages");
            env.get(&family.missing_path(prefix), Some(OCTOCAT))
                .await
                .assert_error(404, "Package not found");
        }
    }
}

#[tokio::test]
async fn delete_and_restore_package_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = family.package_path(prefix);
            env.delete(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.delete(&path, Some(OCTOCAT_READONLY))
                .await
                .assert_error(403, "delete:packages");
            env.delete(&family.missing_path(prefix), Some(OCTOCAT))
                .await
                .assert_error(404, "Package not found");

            let resp = env.delete(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 204, "{path}: {}", resp.body);
            assert_eq!(resp.body, Value::Null);
            env.get(&path, Some(OCTOCAT))
                .await
                .assert_error(404, "Package not found");

            let restore = format!("{path}/restore");
            env.post(&restore, None)
                .await
                .assert_error(401, "Requires authentication");
            env.post(&restore, Some(OCTOCAT_READONLY))
                .await
                .assert_error(403, "write:packages");
            env.post(
                &format!("{}/restore", family.missing_path(prefix)),
                Some(OCTOCAT),
            )
            .await
            .assert_error(404, "Package not found");
            let resp = env
                .post(&format!("{restore}?token=abc"), Some(OCTOCAT))
                .await;
            assert_eq!(resp.status, 204, "{restore}: {}", resp.body);
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200);
            assert_eq!(resp.body["version_count"], family.versions);
        }
    }
}

#[tokio::test]
async fn list_versions_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = format!("{}/versions", family.package_path(prefix));
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            assert_eq!(resp.items().len(), family.versions);
            let times: Vec<&str> = resp
                .items()
                .iter()
                .map(|v| v["created_at"].as_str().unwrap())
                .collect();
            let mut sorted = times.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(times, sorted, "newest first");
            assert_eq!(
                resp.items()[0]["metadata"]["package_type"],
                family.package_type
            );
            env.get(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.get(&path, Some(NOSCOPES))
                .await
                .assert_error(403, "read:packages");
            env.get(
                &format!("{}/versions", family.missing_path(prefix)),
                Some(OCTOCAT),
            )
            .await
            .assert_error(404, "Package not found");
        }
    }
}

#[tokio::test]
async fn get_version_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = family.version_path(prefix, family.version);
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            assert_eq!(resp.body["id"], family.version);
            env.get(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.get(&path, Some(NOSCOPES))
                .await
                .assert_error(403, "read:packages");
            env.get(&family.version_path(prefix, 999_999), Some(OCTOCAT))
                .await
                .assert_error(404, "Package version not found");
            let bad = format!("{}/versions/latest", family.package_path(prefix));
            env.get(&bad, Some(OCTOCAT))
                .await
                .assert_error(400, "package_version_id");
        }
    }
}

#[tokio::test]
async fn delete_and_restore_version_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = family.version_path(prefix, family.deletable_version);
            env.delete(&path, None)
                .await
                .assert_error(401, "Requires authentication");
            env.delete(&path, Some(OCTOCAT_READONLY))
                .await
                .assert_error(403, "delete:packages");
            env.delete(&family.version_path(prefix, 999_999), Some(OCTOCAT))
                .await
                .assert_error(404, "Package version not found");

            let resp = env.delete(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 204, "{path}: {}", resp.body);
            env.get(&path, Some(OCTOCAT))
                .await
                .assert_error(404, "not found");
            let package = env.get(&family.package_path(prefix), Some(OCTOCAT)).await;
            assert_eq!(package.body["version_count"], family.versions - 1);
            let deleted = env
                .get(
                    &format!("{}/versions?state=deleted", family.package_path(prefix)),
                    Some(OCTOCAT),
                )
                .await;
            if family.root.starts_with("/users/") {
                // No `state` on this operation in GitHub's description: it is
                // ignored, and the active versions are listed.
                assert_eq!(deleted.status, 200, "{}", deleted.body);
                assert_eq!(deleted.items().len(), family.versions - 1);
                assert!(deleted
                    .items()
                    .iter()
                    .all(|v| v["id"] != family.deletable_version && v["deleted_at"].is_null()));
            } else {
                assert_eq!(deleted.items().len(), 1);
                assert_eq!(deleted.items()[0]["id"], family.deletable_version);
                assert!(deleted.items()[0]["deleted_at"].is_string());
            }

            let restore = format!("{path}/restore");
            env.post(&restore, None)
                .await
                .assert_error(401, "Requires authentication");
            env.post(&restore, Some(OCTOCAT_READONLY))
                .await
                .assert_error(403, "write:packages");
            env.post(
                &format!("{}/restore", family.version_path(prefix, 999_999)),
                Some(OCTOCAT),
            )
            .await
            .assert_error(404, "Package version not found");
            let resp = env.post(&restore, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 204, "{restore}: {}", resp.body);
            assert_eq!(env.get(&path, Some(OCTOCAT)).await.status, 200);
            let package = env.get(&family.package_path(prefix), Some(OCTOCAT)).await;
            assert_eq!(package.body["version_count"], family.versions);
        }
    }
}

#[tokio::test]
async fn docker_conflicts_in_each_family() {
    let env = Env::demo().await;
    for prefix in PREFIXES {
        for family in &FAMILIES {
            let path = format!("{prefix}{}/docker/conflicts", family.root);
            let resp = env.get(&path, Some(OCTOCAT)).await;
            assert_eq!(resp.status, 200, "{path}: {}", resp.body);
            assert_eq!(resp.names(), family.conflicts);
            env.get(&path, Some(NOSCOPES))
                .await
                .assert_error(403, "read:packages");
        }
        // Org and user lists work anonymously, with public packages only.
        let org = env
            .get(&format!("{prefix}/orgs/octo-org/docker/conflicts"), None)
            .await;
        assert_eq!(org.status, 200);
        assert!(org.items().is_empty(), "private conflicts stay hidden");
        let mona = env
            .get(&format!("{prefix}/users/mona/docker/conflicts"), None)
            .await;
        assert_eq!(mona.names(), ["mona-legacy"]);
        env.get(&format!("{prefix}/user/docker/conflicts"), None)
            .await
            .assert_error(401, "Requires authentication");
        env.get(
            &format!("{prefix}/orgs/nobody/docker/conflicts"),
            Some(OCTOCAT),
        )
        .await
        .assert_error(404, "Not Found");
    }
}
