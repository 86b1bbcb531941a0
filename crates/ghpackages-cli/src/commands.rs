//! The plain API commands: packages, versions, conflicts.

use ghpackages::PackageRef;
use std::path::Path;

use ghpackages::{
    Error, ListPackagesOptions, ListVersionsOptions, Package, PackageVersion, Result,
};
use serde::Serialize;

use crate::args::{PackageArgs, PackagesCommand, VersionArgs, VersionsCommand};
use crate::output::{date, short_name, tags, Table};
use crate::{print_json, Context, Status};

/// What a delete or restore did, for `--json`.
#[derive(Serialize)]
struct Done<'a> {
    action: &'static str,
    #[serde(flatten)]
    target: &'a PackageRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_id: Option<u64>,
}

impl Context {
    fn target(&self, package: &PackageArgs) -> PackageRef {
        PackageRef::new(self.owner.clone(), package.package_type, &package.name)
    }

    fn done(&self, action: &'static str, target: &PackageRef, version_id: Option<u64>) {
        if self.json {
            print_json(&Done {
                action,
                target,
                version_id,
            });
        } else {
            match version_id {
                Some(id) => out!("{action} version {id} of {target}"),
                None => out!("{action} {target}"),
            }
        }
    }
}

pub async fn packages(ctx: &Context, command: PackagesCommand) -> Result<Status> {
    let client = &ctx.client;
    match command {
        PackagesCommand::List {
            package_type,
            visibility,
        } => {
            let options = ListPackagesOptions {
                visibility,
                ..ListPackagesOptions::new(package_type)
            };
            let packages = client.list_all_packages(&ctx.owner, &options).await?;
            ctx.packages(&packages);
        }
        PackagesCommand::Get(package) => {
            let found = client
                .get_package(&ctx.owner, package.package_type, &package.name)
                .await?;
            if ctx.json {
                print_json(&found);
            } else {
                show_package(&found);
            }
        }
        PackagesCommand::Delete(package) => {
            let target = ctx.target(&package);
            client
                .delete_package(&target.owner, target.package_type, &target.name)
                .await?;
            ctx.done("deleted", &target, None);
        }
        PackagesCommand::Restore {
            package,
            restore_token,
            restore_token_file,
        } => {
            let target = ctx.target(&package);
            let restore_token = match restore_token_file {
                Some(path) => Some(read_restore_token(&path)?),
                None => restore_token,
            };
            client
                .restore_package(
                    &target.owner,
                    target.package_type,
                    &target.name,
                    restore_token.as_deref(),
                )
                .await?;
            ctx.done("restored", &target, None);
        }
    }
    Ok(Status::Ok)
}

pub async fn versions(ctx: &Context, command: VersionsCommand) -> Result<Status> {
    let client = &ctx.client;
    match command {
        VersionsCommand::List { package, state } => {
            let options = ListVersionsOptions {
                state,
                ..ListVersionsOptions::default()
            };
            let versions = client
                .list_all_package_versions(
                    &ctx.owner,
                    package.package_type,
                    &package.name,
                    &options,
                )
                .await?;
            if ctx.json {
                print_json(&versions);
            } else {
                versions_table(&versions).print();
            }
        }
        VersionsCommand::Get(VersionArgs {
            package,
            version_id,
        }) => {
            let version = client
                .get_package_version(&ctx.owner, package.package_type, &package.name, version_id)
                .await?;
            if ctx.json {
                print_json(&version);
            } else {
                versions_table(std::slice::from_ref(&version)).print();
            }
        }
        VersionsCommand::Delete(VersionArgs {
            package,
            version_id,
        }) => {
            let target = ctx.target(&package);
            client
                .delete_package_version(
                    &target.owner,
                    target.package_type,
                    &target.name,
                    version_id,
                )
                .await?;
            ctx.done("deleted", &target, Some(version_id));
        }
        VersionsCommand::Restore(VersionArgs {
            package,
            version_id,
        }) => {
            let target = ctx.target(&package);
            client
                .restore_package_version(
                    &target.owner,
                    target.package_type,
                    &target.name,
                    version_id,
                )
                .await?;
            ctx.done("restored", &target, Some(version_id));
        }
    }
    Ok(Status::Ok)
}

pub async fn conflicts(ctx: &Context) -> Result<Status> {
    let packages = ctx
        .client
        .list_docker_migration_conflicts(&ctx.owner)
        .await?;
    ctx.packages(&packages);
    Ok(Status::Ok)
}

impl Context {
    fn packages(&self, packages: &[Package]) {
        if self.json {
            print_json(&packages);
            return;
        }
        let mut table = Table::new(&["NAME", "TYPE", "VISIBILITY", "VERSIONS", "UPDATED"]);
        for package in packages {
            table.row(vec![
                package.name.clone(),
                package.package_type.to_string(),
                package.visibility.to_string(),
                package.version_count.to_string(),
                date(&package.updated_at),
            ]);
        }
        table.print();
    }
}

fn show_package(package: &Package) {
    let owner = package.owner.as_ref().map(|o| o.login.as_str());
    let repository = package.repository.as_ref().map(|r| r.full_name.as_str());
    let fields = [
        ("name", package.name.clone()),
        ("id", package.id.to_string()),
        ("type", package.package_type.to_string()),
        ("owner", owner.unwrap_or("-").to_owned()),
        ("visibility", package.visibility.to_string()),
        ("versions", package.version_count.to_string()),
        ("repository", repository.unwrap_or("-").to_owned()),
        ("created", date(&package.created_at)),
        ("updated", date(&package.updated_at)),
        ("url", package.html_url.clone()),
    ];
    for (key, value) in fields {
        out!("{key:<11} {value}");
    }
}

pub fn version_tags(version: &PackageVersion) -> Vec<String> {
    let Some(metadata) = &version.metadata else {
        return Vec::new();
    };
    if let Some(container) = &metadata.container {
        return container.tags.clone();
    }
    metadata
        .docker
        .as_ref()
        .and_then(|d| d.tags.clone().or_else(|| d.tag.clone()))
        .unwrap_or_default()
}

fn versions_table(versions: &[PackageVersion]) -> Table {
    let mut table = Table::new(&["ID", "NAME", "TAGS", "CREATED", "DELETED"]);
    for version in versions {
        table.row(vec![
            version.id.to_string(),
            short_name(&version.name),
            tags(&version_tags(version)),
            date(&version.created_at),
            version.deleted_at.as_ref().map(date).unwrap_or_default(),
        ]);
    }
    table
}

/// The restore token in `path`, without surrounding whitespace (a trailing
/// newline especially). Errors name the file, never its content.
fn read_restore_token(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Error::invalid_input(
            "restore_token_file",
            ghpackages::unreadable_secret_file("restore token", path, &error),
        )
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::invalid_input(
            "restore_token_file",
            format!(
                "{} is empty",
                ghpackages::secret_file_in_error("restore token", path)
            ),
        ));
    }
    Ok(token.to_owned())
}
