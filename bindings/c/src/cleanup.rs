//! Retention cleanup (the core's `cleanup` module) over C: a policy as JSON
//! in, the plan and the reports as JSON out, so C passes exactly what the
//! other languages pass.

use std::ffi::{c_void, CString};
use std::os::raw::c_char;

use sdk::cleanup::{
    self, ExecuteOptions, JournalEntry, PackagesPlan, Plan, PlanOptions, Policy, UndoOptions,
    ValidateOptions,
};
use sdk::options::KeyCase;
use sdk::{Error, PackageRef};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::call::{arg, call, out_slot};
use crate::client::ghpackages_client;
use crate::error::{ghpackages_error, ghpackages_status};
use crate::runtime::block_on;
use crate::strings::{free_string, opt_str_arg, str_arg, to_c};
use crate::types::{ghpackages_owner, ghpackages_package_type, owner_arg, package_type_arg};

/// Called after each deletion's outcome of a cleanup, with the progress
/// event as JSON — `target` (the package), `outcome`, `package` and `total`
/// (each `planned`, `done`, `deleted`, `already_gone`, `failed`, `left`),
/// `elapsed_ms`, `rate_per_sec`, and `eta_secs` / `package_eta_secs`
/// (seconds, never sooner than the rate limits allow for what is left) —
/// and the data given with it. The string is borrowed for the call. It runs
/// on a library thread, one event at a time, and the run waits for it:
/// keep it short. It cannot stop the run.
pub type ghpackages_progress_callback =
    Option<unsafe extern "C" fn(progress_json: *const c_char, data: *mut c_void)>;

/// A progress callback and its data, called from the runtime's threads as
/// the caller agreed to by passing them.
struct ProgressCallback {
    callback: ghpackages_progress_callback,
    data: *mut c_void,
}

// SAFETY: the caller's contract (documented on the callback type) is that
// the callback may be called from a library thread with this data.
unsafe impl Send for ProgressCallback {}
unsafe impl Sync for ProgressCallback {}

impl ProgressCallback {
    fn new(callback: ghpackages_progress_callback, data: *mut c_void) -> ProgressCallback {
        ProgressCallback { callback, data }
    }

    fn call(&self, progress: &cleanup::Progress) {
        let Some(callback) = self.callback else {
            return;
        };
        let json = serde_json::to_string(progress)
            .ok()
            .and_then(|j| CString::new(j).ok());
        if let Some(json) = json {
            // SAFETY: the callback was given for this; the string outlives the call.
            unsafe { callback(json.as_ptr(), self.data) }
        }
    }
}

/// Parses a JSON argument; NULL means the type's default.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string.
unsafe fn json_arg<T: DeserializeOwned + Default>(
    json: *const c_char,
    argument: &'static str,
) -> Result<T, Error> {
    match opt_str_arg(json, argument)? {
        None => Ok(T::default()),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| Error::invalid_input(argument, format!("{argument} is not valid: {e}"))),
    }
}

/// Planning options as JSON, NULL for the defaults; the core reads
/// `keep_refs_from`, `keep_tags` and `keep_digests` against the client's
/// registry.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string.
unsafe fn plan_options(client: &sdk::Client, json: *const c_char) -> Result<PlanOptions, Error> {
    const ARGUMENT: &str = "options_json";
    let value = opt_str_arg(json, ARGUMENT)?
        .map(|text| {
            serde_json::from_str(text).map_err(|e| {
                Error::invalid_input(ARGUMENT, format!("{ARGUMENT} is not valid JSON: {e}"))
            })
        })
        .transpose()?;
    cleanup::decode_plan_options(client, ARGUMENT, value, KeyCase::Snake)
}

fn json_out(slot: &mut *mut c_char, value: &impl Serialize) -> Result<(), Error> {
    let json = serde_json::to_string(value).map_err(|e| {
        Error::new(
            sdk::ErrorKind::Decode,
            format!("cannot encode the result as JSON: {e}"),
        )
    })?;
    *slot = to_c(&json);
    Ok(())
}

/// Plans a cleanup of one package: reads the package and all its versions
/// (and, for a container package, its manifest graph from the registry), and
/// decides for each version, by the policy, whether it is deleted or kept and
/// which rule decided. Deletes nothing. The same as
/// `ghpackages_plan_package_cleanup_with_options` with the default options.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param policy_json the policy as JSON, as every binding and `ghpkg prune
///        --policy` take it, e.g. `{"keep_latest": 10, "tags": "untagged",
///        "older_than": "30d"}`.
/// @param[out] plan_json receives the plan as JSON: `policy`, `now`, and
///        `decisions` (one per version, newest first, each with `version_id`,
///        `name`, `tags`, `created_at`, `action` `"delete"` or `"keep"`,
///        `rule` and `reason`; for a container package also `graph`, whose
///        `status` `"unreadable"` means nothing is deleted).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, `GHPACKAGES_INVALID_INPUT` for a bad policy, or
///         the error of reading the package.
///
/// Ownership: the caller owns `*plan_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_plan_package_cleanup(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    policy_json: *const c_char,
    plan_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    ghpackages_plan_package_cleanup_with_options(
        client,
        owner,
        package_type,
        name,
        policy_json,
        std::ptr::null(),
        plan_json,
        error,
    )
}

/// Plans a cleanup of one package, as `ghpackages_plan_package_cleanup`, with
/// planning options.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param policy_json the policy as JSON.
/// @param options_json the options as JSON, or NULL for the defaults:
///        `{"manifest_graph": true, "delete_referenced": true, "concurrency": 8,
///        "downloads": {"100001": 42}, "keep_refs_from": ["deploy/"],
///        "keep_tags": ["v1.2"], "keep_digests": ["sha256:..."]}` (every field
///        optional).
///        `manifest_graph` reads a container package's manifest graph so that
///        kept images keep their platform manifests and signatures;
///        `delete_referenced` deletes what only a deleted manifest references.
///        What is in use is kept with its graph: the image references to the
///        client's registry in the files and directories of `keep_refs_from`,
///        and the tags and digests of `keep_tags` and `keep_digests`; each
///        such decision's `kept_by` says where (`FILE:LINE`, `keep_tags`).
/// @param[out] plan_json receives the plan as JSON (see `ghpackages_plan_package_cleanup`).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, `GHPACKAGES_INVALID_INPUT` for a bad policy or
///         options (a `keep_refs_from` path that cannot be read, a bad tag or
///         digest: the error's `argument` names the option), or the error of
///         reading the package.
///
/// Ownership: the caller owns `*plan_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ghpackages_plan_package_cleanup_with_options(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    policy_json: *const c_char,
    options_json: *const c_char,
    plan_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(plan_json, "plan_json")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let name = str_arg(name, "name")?;
        let policy = Policy::from_json(str_arg(policy_json, "policy_json")?)?;
        let options = plan_options(client, options_json)?;
        let plan = block_on(cleanup::plan_package(
            client,
            &owner,
            package_type,
            name,
            &policy,
            &options,
        ))??;
        json_out(out, &plan)
    })
}

/// After a prune: pulls the manifest graph of every tag of a container
/// package and reports any manifest an index lists that the registry no
/// longer has.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param name the container package's name, unencoded.
/// @param options_json `{"concurrency": 8}`, or NULL for the defaults.
/// @param[out] report_json receives the report as JSON: `repository`,
///        `tags`, `manifests`, `fetched`, and the lists `missing` (each with
///        `digest`, `parent`, `tags`) and `unreadable` (each with `digest`,
///        `kind`, `message`), both empty when the graph is whole.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the check ran (read the lists), or the error
///         of reading the package.
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_validate_container(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    name: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let name = str_arg(name, "name")?;
        let options: ValidateOptions = json_arg(options_json, "options_json")?;
        let report = block_on(cleanup::validate_package(client, &owner, name, &options))??;
        json_out(out, &report)
    })
}

/// Executes a plan: deletes its `delete` decisions, concurrently and paced
/// to GitHub's rate limits, journaling each deletion for undo. Individual
/// failures do not stop the run; each is reported.
///
/// @param client the client.
/// @param owner the package's owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param name the package name, unencoded.
/// @param plan_json a plan from `ghpackages_plan_package_cleanup`.
/// @param options_json execution options as JSON, or NULL for the defaults:
///        `{"journal": "prune.jsonl", "concurrency": 8, "budget": {"points":
///        900, "window_ms": 60000, "write_cost": 5, "max_requests": null,
///        "reserve": 0, "wait_for_reset": true}, "max_rate_limit_waits": 10,
///        "journal_file": true}` (every field optional; `max_requests`, or a
///        `reserve` without `wait_for_reset`, stops the run at that budget). Without `journal`,
///        deletions go to a new file in the default journal directory
///        (`$XDG_STATE_HOME/ghpackages/journals`, else
///        `~/.local/state/ghpackages/journals`); with `"journal_file": false`,
///        to the report's `journal_entries`.
/// @param[out] report_json receives the report as JSON: `target`,
///        `started_at`, `finished_at`, `deleted`, `already_gone`, `failed`,
///        `journal` (the file written), `journal_entries` (without a file),
///        one entry per deletion in `outcomes`, and `stopped` when the run
///        stopped at its budget (`reason`, `requests` as `max_requests` counts them, `left`, `remaining`,
///        `reset_at`) (the fields of Python's `CleanupReport` and Node's
///        `CleanupReport`).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the run completed (check the report's
///         `failed`); `GHPACKAGES_FORBIDDEN` when the token cannot delete;
///         `GHPACKAGES_INVALID_INPUT` for a bad plan or options.
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_execute_cleanup(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    name: *const c_char,
    plan_json: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let target = PackageRef::new(
            owner_arg(owner)?,
            package_type_arg(package_type)?,
            str_arg(name, "name")?,
        );
        let plan: Plan = serde_json::from_str(str_arg(plan_json, "plan_json")?).map_err(|e| {
            Error::invalid_input("plan_json", format!("plan_json is not a plan: {e}"))
        })?;
        let options: ExecuteOptions = json_arg(options_json, "options_json")?;
        let report = block_on(cleanup::execute(client, &target, &plan, &options))??;
        json_out(out, &report)
    })
}

/// Plans a cleanup of several packages: lists the owner's packages of the
/// type, and plans every one whose name matches one of the globs as
/// `ghpackages_plan_package_cleanup_with_options` plans one, with one policy
/// at one instant. Deletes nothing.
///
/// @param client the client.
/// @param owner the packages' owner.
/// @param package_type a `GHPACKAGES_PACKAGE_TYPE_*` constant.
/// @param packages_json the package names or globs as a JSON array:
///        `["svc-*", "tools"]` (`["*"]` for every package of the type).
/// @param policy_json the policy as JSON.
/// @param options_json planning options as JSON (see
///        `ghpackages_plan_package_cleanup_with_options`), or NULL.
/// @param[out] plan_json receives the plan as JSON, the saved plan format
///        (docs/plan-format.md): `format_version`, `api_url`, `owner_type`,
///        `owner`, `package_type`, `policy`, `planned_at`, and `packages`
///        (each with `package`, `decisions`, `graph`).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK`, `GHPACKAGES_INVALID_INPUT` for a bad glob,
///         policy or options, `GHPACKAGES_NOT_FOUND` when no package
///         matches, or the error of reading the packages.
///
/// Ownership: the caller owns `*plan_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ghpackages_plan_packages_cleanup(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    package_type: ghpackages_package_type,
    packages_json: *const c_char,
    policy_json: *const c_char,
    options_json: *const c_char,
    plan_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(plan_json, "plan_json")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let package_type = package_type_arg(package_type)?;
        let packages: Vec<String> = serde_json::from_str(str_arg(packages_json, "packages_json")?)
            .map_err(|e| {
                Error::invalid_input(
                    "packages_json",
                    format!("packages_json is not a JSON array of strings: {e}"),
                )
            })?;
        let policy = Policy::from_json(str_arg(policy_json, "policy_json")?)?;
        let options = plan_options(client, options_json)?;
        let plan = block_on(cleanup::plan_packages(
            client,
            &owner,
            package_type,
            &packages,
            &policy,
            &options,
        ))??;
        json_out(out, &plan)
    })
}

/// Executes a plan of `ghpackages_plan_packages_cleanup`: every package's
/// deletions under one pacer (the packages share the rate limits and the
/// concurrency) into one journal.
///
/// @param client the client.
/// @param plan_json the plan, as `ghpackages_plan_packages_cleanup` wrote it.
/// @param options_json execution options as JSON (see
///        `ghpackages_execute_cleanup`), or NULL.
/// @param[out] report_json receives the report as JSON: `started_at`,
///        `finished_at`, `deleted`, `already_gone`, `failed` (in total),
///        `journal`, `journal_entries`, `stopped`, and `packages`: one
///        execution report per package (as `ghpackages_execute_cleanup`'s).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the run completed (check `failed`),
///         `GHPACKAGES_FORBIDDEN` when the token cannot delete,
///         `GHPACKAGES_INVALID_INPUT` for a bad plan or options.
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_execute_packages_cleanup(
    client: *const ghpackages_client,
    plan_json: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    ghpackages_execute_packages_cleanup_with_progress(
        client,
        plan_json,
        options_json,
        None,
        std::ptr::null_mut(),
        report_json,
        error,
    )
}

/// `ghpackages_execute_packages_cleanup`, calling `on_progress` (when not
/// NULL) with `on_progress_data` after each deletion's outcome.
///
/// @param on_progress called with each progress event as JSON (see
///        `ghpackages_progress_callback`), or NULL.
/// @param on_progress_data passed to `on_progress` as is.
///
/// The other parameters, the return value, ownership and thread safety are
/// those of `ghpackages_execute_packages_cleanup`.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated; `on_progress`
/// may be called with `on_progress_data` until the call returns.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_execute_packages_cleanup_with_progress(
    client: *const ghpackages_client,
    plan_json: *const c_char,
    options_json: *const c_char,
    on_progress: ghpackages_progress_callback,
    on_progress_data: *mut c_void,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let plan = PackagesPlan::from_json(str_arg(plan_json, "plan_json")?)?;
        let options: ExecuteOptions = json_arg(options_json, "options_json")?;
        let on_progress = ProgressCallback::new(on_progress, on_progress_data);
        let report = block_on(cleanup::execute_packages_with_progress(
            client,
            &plan,
            &options,
            |progress| on_progress.call(progress),
        ))??;
        json_out(out, &report)
    })
}

/// Applies a saved plan of `owner` (`ghpackages_plan_packages_cleanup`, or
/// `ghpkg prune --plan-out`): refuses a plan of another owner, server or
/// format version, then deletes only versions unchanged since the plan (same
/// name, same tags); the others are skipped.
///
/// @param client the client.
/// @param owner the owner the plan must be for.
/// @param plan_json the saved plan.
/// @param options_json execution options as JSON (see
///        `ghpackages_execute_cleanup`), or NULL, with one more:
///        `"check_each"` (default `true`) reads each version again just
///        before its deletion and skips it if it changed since the plan (one
///        more request per deletion, counted by `max_requests`); `false`
///        checks only once, against a listing taken before the deletions
///        start, with half the requests.
/// @param[out] report_json receives the report as JSON, as
///        `ghpackages_execute_packages_cleanup`'s, with `skipped`: each
///        planned deletion not made (`package`, `version_id`, `name`,
///        `reason`).
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the run completed (check `failed`),
///         `GHPACKAGES_INVALID_INPUT` for a plan that is not one, of another
///         format version, server or owner.
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_apply_cleanup_plan(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    plan_json: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    ghpackages_apply_cleanup_plan_with_progress(
        client,
        owner,
        plan_json,
        options_json,
        None,
        std::ptr::null_mut(),
        report_json,
        error,
    )
}

/// `ghpackages_apply_cleanup_plan`, calling `on_progress` (when not NULL)
/// with `on_progress_data` after each deletion's outcome.
///
/// @param on_progress called with each progress event as JSON (see
///        `ghpackages_progress_callback`), or NULL.
/// @param on_progress_data passed to `on_progress` as is.
///
/// The other parameters, the return value, ownership and thread safety are
/// those of `ghpackages_apply_cleanup_plan`.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated; `on_progress`
/// may be called with `on_progress_data` until the call returns.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ghpackages_apply_cleanup_plan_with_progress(
    client: *const ghpackages_client,
    owner: *const ghpackages_owner,
    plan_json: *const c_char,
    options_json: *const c_char,
    on_progress: ghpackages_progress_callback,
    on_progress_data: *mut c_void,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let owner = owner_arg(owner)?;
        let plan = PackagesPlan::from_json(str_arg(plan_json, "plan_json")?)?;
        plan.check_target(client, Some(&owner))?;
        let options: ExecuteOptions = json_arg(options_json, "options_json")?;
        let on_progress = ProgressCallback::new(on_progress, on_progress_data);
        let report = block_on(cleanup::apply_plan_with_progress(
            client,
            &plan,
            &options,
            |progress| on_progress.call(progress),
        ))??;
        json_out(out, &report)
    })
}

/// Undoes cleanups: restores what a journal records as deleted, within
/// GitHub's 30-day window (older deletions are reported `expired`), on the
/// server the journal names. A client whose base URL is only the default is
/// aimed there; one aimed elsewhere fails with `GHPACKAGES_INVALID_INPUT`
/// unless `allow_other_server`.
///
/// @param client the client.
/// @param journal_path the journal an execution wrote.
/// @param options_json undo options as JSON, or NULL for the defaults:
///        `{"concurrency": 8, "budget": {...}, "now": "2026-01-01T00:00:00Z",
///        "max_rate_limit_waits": 10, "packages": ["app-*"], "versions":
///        ["42", "1.2.3"], "since": "2h", "until": "2026-11-27T12:00:00Z",
///        "last": 3, "dry_run": false, "allow_other_server": false}` (every
///        field optional). The filters combine; `last` keeps the N deleted
///        last in journal order; `since`/`until` take RFC 3339, a date or an
///        age. `dry_run` restores nothing: each outcome's `status` and
///        `reason` say what would happen and why.
/// @param[out] report_json receives the report as JSON: `dry_run`,
///        `restored`, `restorable`, `expired`, `already_active`,
///        `namespace_reused`, `failed`, and one entry per selected version in
///        `outcomes`.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the undo completed (check the report's
///         `failed`), or an error code.
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_undo_cleanup(
    client: *const ghpackages_client,
    journal_path: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let journal = str_arg(journal_path, "journal_path")?;
        let options: UndoOptions = json_arg(options_json, "options_json")?;
        let report = block_on(cleanup::undo_journal(client, journal, &options))??;
        json_out(out, &report)
    })
}

/// Undoes the deletions of a report's `journal_entries` (an execution with
/// `"journal_file": false`), as `ghpackages_undo_cleanup` undoes a file.
///
/// @param client the client.
/// @param entries_json the entries: a JSON array of journal lines.
/// @param options_json as for `ghpackages_undo_cleanup`, or NULL.
/// @param[out] report_json receives the report as JSON.
/// @param[out] error NULL, or receives an error object on failure.
/// @return `GHPACKAGES_OK` when the undo completed, or an error code
///         (`GHPACKAGES_INVALID_INPUT` for entries that are not journal lines).
///
/// Ownership: the caller owns `*report_json`; free it with
/// `ghpackages_string_free`. Arguments are borrowed for the call.
/// Thread safety: safe to call concurrently with the same client.
///
/// # Safety
/// Pointers are NULL or valid; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_undo_cleanup_entries(
    client: *const ghpackages_client,
    entries_json: *const c_char,
    options_json: *const c_char,
    report_json: *mut *mut c_char,
    error: *mut *mut ghpackages_error,
) -> ghpackages_status {
    call(error, || {
        let out = out_slot(report_json, "report_json")?;
        let client = &arg(client, "client")?.inner;
        let entries: Vec<JournalEntry> =
            serde_json::from_str(str_arg(entries_json, "entries_json")?).map_err(|e| {
                Error::invalid_input(
                    "entries_json",
                    format!("entries_json is not a list of journal entries: {e}"),
                )
            })?;
        let options: UndoOptions = json_arg(options_json, "options_json")?;
        let report = block_on(cleanup::undo(client, &entries, &options))??;
        json_out(out, &report)
    })
}

/// Frees a string returned by the library (the JSON of the cleanup calls).
///
/// @param text the string, or NULL (then nothing happens).
///
/// Ownership: takes ownership; `text` is invalid afterwards. Never call it on
/// a string inside a result struct: those are freed with their struct.
/// Thread safety: safe from any thread; free each string once.
///
/// # Safety
/// `text` is NULL or a string the library returned as owned, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ghpackages_string_free(text: *mut c_char) {
    free_string(text);
}
