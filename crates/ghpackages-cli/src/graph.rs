//! Container manifest graphs on the command line: the plan's graph line and
//! `ghpkg validate`.

use ghpackages::cleanup::{validate_package, GraphStatus, Plan, ValidateOptions};
use ghpackages::{Error, Result};

use crate::args::ValidateArgs;
use crate::output::{short_name, Table};
use crate::{print_json, Context, Status};

/// What the plan did with the package's manifest graph, for container
/// packages planned with it.
pub fn graph_line(plan: &Plan) -> Option<String> {
    let graph = plan.graph.as_ref()?;
    let cascade = if graph.delete_referenced {
        "what only a deleted manifest references is deleted with it"
    } else {
        "what deleted manifests reference is kept"
    };
    Some(match graph.status {
        GraphStatus::Read => format!(
            "manifest graph: on, {} manifests read ({} fetched); {cascade}",
            graph.manifests, graph.fetched
        ),
        GraphStatus::NotNeeded => {
            "manifest graph: on, not read (the policy deletes nothing)".to_owned()
        }
        GraphStatus::Unreadable => format!(
            "manifest graph: UNREADABLE, nothing in this package will be deleted: {}",
            graph.error.as_deref().unwrap_or("unknown error")
        ),
    })
}

/// Whether the plan deleted nothing because the graph could not be read.
pub fn graph_unreadable(plan: &Plan) -> bool {
    plan.graph
        .as_ref()
        .is_some_and(|graph| graph.status == GraphStatus::Unreadable)
}

pub async fn validate(ctx: &Context, args: ValidateArgs) -> Result<Status> {
    if args.concurrency == 0 {
        return Err(Error::invalid_input(
            "concurrency",
            "--concurrency must be at least 1",
        ));
    }
    let options = ValidateOptions {
        concurrency: args.concurrency,
    };
    let report = validate_package(&ctx.client, &ctx.owner, &args.name, &options).await?;
    if ctx.json {
        print_json(&report);
    } else {
        if !report.is_complete() {
            let mut table = Table::new(&["MANIFEST", "LISTED BY", "TAGS", "PROBLEM"]);
            for missing in &report.missing {
                table.row(vec![
                    short_name(&missing.digest),
                    missing
                        .parent
                        .as_deref()
                        .map(short_name)
                        .unwrap_or_default(),
                    missing.tags.join(", "),
                    "missing".to_owned(),
                ]);
            }
            for unreadable in &report.unreadable {
                table.row(vec![
                    short_name(&unreadable.digest),
                    String::new(),
                    String::new(),
                    unreadable.message.clone(),
                ]);
            }
            table.print();
        }
        out!(
            "{}: {} tags, {} manifests checked ({} fetched), {} missing, {} unreadable",
            report.repository,
            report.tags,
            report.manifests,
            report.fetched,
            report.missing.len(),
            report.unreadable.len()
        );
    }
    Ok(if report.is_complete() {
        Status::Ok
    } else {
        Status::SomeFailed
    })
}
