//! What a run keeps in use, as the CLI and the bindings take it — files to
//! read image references from, tags and digests one by one — resolved here
//! once, against the client's registry.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::cleanup::in_use::{read_references, refers_to, registry_host, KeepRef};
use crate::cleanup::package::PlanOptions;
use crate::cleanup::packages::PackagesPlan;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::{self, KeyCase};

/// The names of the options that give tags and digests one by one, as the
/// caller's users spell them; a version they keep names them in `kept_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepSources<'a> {
    /// The tags' option: `--keep-tag`, `keep_tags`, `keepTags`.
    pub tags: &'a str,
    /// The digests' option: `--keep-digest`, `keep_digests`, `keepDigests`.
    pub digests: &'a str,
}

impl KeepSources<'static> {
    /// The bindings' option names, `keep_tags` and `keep_digests`, in `case`.
    pub fn options(case: KeyCase) -> Self {
        match case {
            KeyCase::Snake => KeepSources {
                tags: "keep_tags",
                digests: "keep_digests",
            },
            KeyCase::Camel => KeepSources {
                tags: "keepTags",
                digests: "keepDigests",
            },
        }
    }
}

/// What a run keeps because it is in use: every image reference to the
/// client's registry (the host of [`Client::registry_url`]) in the files and
/// directories of `refs_from` (read as [`read_references`] reads them), then
/// `tags` and `digests`, kept in every package of the run and named by
/// `sources`. A path that cannot be read, a bad tag and a bad digest are
/// `invalid_input` errors naming `keep_refs_from`, `keep_tags` and
/// `keep_digests`.
pub fn keep_refs(
    client: &Client,
    refs_from: &[PathBuf],
    tags: &[String],
    digests: &[String],
    sources: KeepSources<'_>,
) -> Result<Vec<KeepRef>> {
    let mut keep = read_references(refs_from, &registry_host(client.registry_url()))?;
    for tag in tags {
        keep.push(KeepRef::tag(tag, sources.tags)?);
    }
    for digest in digests {
        keep.push(KeepRef::digest(digest, sources.digests)?);
    }
    Ok(keep)
}

/// A reference to keep that names packages of a plan but none of their
/// versions: a typo, an image deployed that no longer exists, or a tag given
/// for a package type without tags. It kept nothing; callers warn about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedRef<'a> {
    /// The reference, as the plan was made with it.
    pub keep: &'a KeepRef,
    /// The packages of the plan it names (every one, for a tag or digest
    /// given by itself), in the plan's order.
    pub packages: Vec<&'a str>,
}

impl UnmatchedRef<'_> {
    /// The warning in words, the same wherever it is shown:
    /// `--keep-tag v7, which matches no version of app: it keeps nothing`,
    /// `deploy.yaml:3 refers to octo-org/app:v9, which matches …`.
    pub fn message(&self) -> String {
        let reference = &self.keep.reference;
        let what = match (&self.keep.owner, &self.keep.package) {
            (Some(owner), Some(package)) => {
                let at = if reference.starts_with("sha256:") {
                    '@'
                } else {
                    ':'
                };
                format!(
                    "{} refers to {owner}/{package}{at}{reference}",
                    self.keep.source
                )
            }
            _ => format!("{} {reference}", self.keep.source),
        };
        let packages = match self.packages.as_slice() {
            [one] => (*one).to_owned(),
            few if few.len() <= 5 => few.join(", "),
            many => format!("any of the {} packages planned", many.len()),
        };
        format!("{what}, which matches no version of {packages}: it keeps nothing")
    }
}

/// The references of `keep` that name at least one package of `plan` and
/// match no version of those packages (by digest or tag, as planning
/// matched them). References to packages outside the plan are not reported:
/// a manifest directory names many images, and a run prunes some of them.
pub fn unmatched_keep_refs<'a>(
    keep: &'a [KeepRef],
    plan: &'a PackagesPlan,
) -> Vec<UnmatchedRef<'a>> {
    keep.iter()
        .filter_map(|keep| {
            let named: Vec<_> = plan
                .packages
                .iter()
                .filter(|p| keep.names(plan.owner.as_deref(), &p.package))
                .collect();
            let matched = named.iter().any(|p| {
                p.decisions
                    .iter()
                    .any(|d| refers_to(&keep.reference, &d.name, &d.tags))
            });
            (!named.is_empty() && !matched).then(|| UnmatchedRef {
                keep,
                packages: named.iter().map(|p| p.package.as_str()).collect(),
            })
        })
        .collect()
}

/// The options [`decode_plan_options`] takes besides [`PlanOptions`]'.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct KeepOptions {
    keep_refs_from: Vec<PathBuf>,
    keep_tags: Vec<String>,
    keep_digests: Vec<String>,
}

const KEEP_OPTIONS: [&str; 3] = ["keep_refs_from", "keep_tags", "keep_digests"];

/// Planning options given as one JSON object (Node's options, C's
/// `options_json`), its keys in `case`: the fields of [`PlanOptions`], and
/// `keep_refs_from`, `keep_tags` and `keep_digests`, which [`keep_refs`]
/// resolves against `client` into [`PlanOptions::keep`]. `None` or `null`
/// means the defaults. A bad option is an `invalid_input` error.
pub fn decode_plan_options(
    client: &Client,
    argument: &'static str,
    value: Option<Value>,
    case: KeyCase,
) -> Result<PlanOptions> {
    let mut value = value;
    let mut keep = Map::new();
    if let Some(Value::Object(object)) = &mut value {
        for key in KEEP_OPTIONS {
            if let Some((key, given)) = object.remove_entry(&case.spell(key)) {
                keep.insert(key, given);
            }
        }
    }
    let mut plan: PlanOptions = options::decode(argument, value, case, &[])
        .map_err(|error| with_keep_options(error, case))?;
    let keep: KeepOptions = options::decode(argument, Some(Value::Object(keep)), case, &[])?;
    plan.keep.extend(keep_refs(
        client,
        &keep.keep_refs_from,
        &keep.keep_tags,
        &keep.keep_digests,
        KeepSources::options(case),
    )?);
    Ok(plan)
}

/// An unknown option's error, listing the keep options too: serde lists
/// only [`PlanOptions`]' fields.
fn with_keep_options(error: Error, case: KeyCase) -> Error {
    if !error.message().contains("unknown field") {
        return error;
    }
    let keep: Vec<String> = KEEP_OPTIONS
        .iter()
        .map(|key| format!("`{}`", case.spell(key)))
        .collect();
    let argument = error.argument().unwrap_or("options").to_owned();
    Error::invalid_input(
        argument,
        format!("{}, {}", error.message(), keep.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    #[test]
    fn options_objects_keep_files_tags_and_digests_in_their_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("deploy.yaml");
        std::fs::write(&file, "a: 1\nimage: 127.0.0.1:9/octo-org/web:v1\n").unwrap();
        let options = json!({
            "concurrency": 2,
            "keepRefsFrom": [file],
            "keepTags": ["v2"],
            "keepDigests": [DIGEST],
        });
        let plan =
            decode_plan_options(&client(), "options", Some(options), KeyCase::Camel).unwrap();
        assert_eq!(plan.concurrency, 2);
        let kept: Vec<(&str, &str)> = plan
            .keep
            .iter()
            .map(|k| (k.reference.as_str(), k.source.as_str()))
            .collect();
        let at = format!("{}:2", file.display());
        assert_eq!(
            kept,
            [
                ("v1", at.as_str()),
                ("v2", "keepTags"),
                (DIGEST, "keepDigests")
            ]
        );
        let snake = json!({"keep_tags": ["v2"]});
        let plan = decode_plan_options(&client(), "options_json", Some(snake), KeyCase::Snake);
        assert_eq!(plan.unwrap().keep[0].source, "keep_tags");
        assert_eq!(
            decode_plan_options(&client(), "options", None, KeyCase::Camel).unwrap(),
            PlanOptions::default()
        );
    }

    #[test]
    fn references_that_match_no_version_of_the_packages_they_name_are_reported() {
        let version = |id: u64, tags: &[&str]| {
            json!({"version_id": id, "name": format!("sha256:{id:064x}"), "tags": tags,
                   "created_at": "2025-02-01T00:00:00Z", "action": "keep", "rule": "newest",
                   "reason": "the newest version"})
        };
        let plan = json!({
            "format_version": 1, "api_url": "http://127.0.0.1:9", "owner_type": "org",
            "owner": "octo-org", "package_type": "container", "policy": {},
            "planned_at": "2026-12-06T00:00:00Z",
            "packages": [
                {"package": "web", "decisions": [version(1, &["v1"])]},
                {"package": "api", "decisions": [version(2, &["v2"])]},
            ],
        });
        let plan = PackagesPlan::from_json(&plan.to_string()).unwrap();
        let file = |package: &str, reference: &str, line: u32| KeepRef {
            owner: Some("Octo-Org".into()),
            package: Some(package.into()),
            reference: reference.into(),
            source: format!("deploy.yaml:{line}"),
        };
        let keep = vec![
            file("web", "v1", 1),                          // matches
            file("web", "v9", 2),                          // web has no v9
            file("web", &format!("sha256:{:064x}", 1), 3), // matches by digest
            file("other", "v9", 4),                        // not in the plan
            KeepRef::tag("v2", "--keep-tag").unwrap(),     // matches in api
            KeepRef::tag("v7", "--keep-tag").unwrap(),     // in neither
            KeepRef::digest(&format!("sha256:{:064x}", 3), "--keep-digest").unwrap(),
        ];
        let found = unmatched_keep_refs(&keep, &plan);
        let messages: Vec<String> = found.iter().map(UnmatchedRef::message).collect();
        assert_eq!(
            messages[..2],
            [
                "deploy.yaml:2 refers to Octo-Org/web:v9, which matches no version of web: it keeps nothing",
                "--keep-tag v7, which matches no version of web, api: it keeps nothing",
            ]
        );
        let many = UnmatchedRef {
            keep: &keep[5],
            packages: vec!["a", "b", "c", "d", "e", "f"],
        };
        assert_eq!(
            many.message(),
            "--keep-tag v7, which matches no version of any of the 6 packages planned: it keeps nothing"
        );
        let unmatched: Vec<(&str, &str, Vec<&str>)> = found
            .into_iter()
            .map(|u| {
                (
                    u.keep.source.as_str(),
                    u.keep.reference.as_str(),
                    u.packages,
                )
            })
            .collect();
        let digest_3 = format!("sha256:{:064x}", 3);
        assert_eq!(
            unmatched,
            [
                ("deploy.yaml:2", "v9", vec!["web"]),
                ("--keep-tag", "v7", vec!["web", "api"]),
                ("--keep-digest", digest_3.as_str(), vec!["web", "api"]),
            ]
        );
    }

    #[test]
    fn bad_keep_options_name_their_argument() {
        let cases = [
            (json!({"keepDigests": ["sha256:abc"]}), "keep_digests"),
            (json!({"keepTags": ["a b"]}), "keep_tags"),
            (json!({"keepTags": "v1"}), "keep_tags"),
            (
                json!({"keepRefsFrom": ["/nonexistent/deploy"]}),
                "keep_refs_from",
            ),
            (json!({"keep_tags": ["v1"]}), "options"),
        ];
        for (options, argument) in cases {
            let error =
                decode_plan_options(&client(), "options", Some(options.clone()), KeyCase::Camel)
                    .unwrap_err();
            assert_eq!(error.argument(), Some(argument), "{options}: {error}");
        }
        let typo = json!({"keepTag": ["v1"]});
        let error =
            decode_plan_options(&client(), "options", Some(typo), KeyCase::Camel).unwrap_err();
        assert_eq!(error.argument(), Some("keep_tag"));
        assert!(
            error
                .message()
                .ends_with("`keep`, `keepRefsFrom`, `keepTags`, `keepDigests`"),
            "{error}"
        );
    }
}
