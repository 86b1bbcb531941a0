#!/usr/bin/env bash
# The action's prune step: turns the INPUT_* variables action.yml sets into
# one `ghpkg --json --summary-md FILE prune ...` command (`... apply PLAN`
# with apply-plan), then sets the step
# outputs from the `counts` and the journal of its JSON, prints the summary
# and adds it to the job summary. Exits with ghpkg's exit code, except for a
# run stopped at its request budget (6): a warning, and success.
set -euo pipefail

fail() { echo "::error::$*"; exit 2; }

# An input that is `true` or `false`, named as in action.yml.
flag() {
    local name=$1 value=$2
    case $value in
        true | True | TRUE) return 0 ;;
        false | False | FALSE | "") return 1 ;;
        *) fail "input $name must be true or false, not '$value'" ;;
    esac
}

command -v jq >/dev/null || fail "jq is not on PATH (GitHub's hosted runners have it)"
[[ -n ${INPUT_OWNER:-} ]] || fail "input owner is empty"

# -v: the log says where the credentials come from (never the token).
args=(--json -v)
case $INPUT_OWNER_TYPE in
    org) args+=(--org "$INPUT_OWNER") ;;
    user) args+=(--user "$INPUT_OWNER") ;;
    *) fail "input owner-type must be org or user, not '$INPUT_OWNER_TYPE'" ;;
esac
[[ -n $INPUT_API_URL ]] && args+=(--api-url "$INPUT_API_URL")
work=$RUNNER_TEMP/ghpkg-action
mkdir -p "$work"
summary=$work/summary.md
result=$work/result.json
args+=(--summary-md "$summary")

if [[ -n $INPUT_APP_ID ]]; then
    [[ -n $INPUT_APP_PRIVATE_KEY ]] || fail "input app-private-key is required with app-id"
    key=$work/app-private-key.pem
    trap 'rm -f "$key"' EXIT
    (umask 077 && printf '%s\n' "$INPUT_APP_PRIVATE_KEY" >"$key")
    # From here on the key is in the file only: not in the environment that
    # ghpkg and jq inherit. The token is not used with an App: ghpkg does
    # not get it either.
    unset INPUT_APP_PRIVATE_KEY GITHUB_TOKEN GH_TOKEN
    args+=(--app-id "$INPUT_APP_ID" --app-private-key "$key")
    [[ -n $INPUT_INSTALLATION_ID ]] && args+=(--installation-id "$INPUT_INSTALLATION_ID")
    [[ -n $INPUT_APP_OWNER ]] && args+=(--app-owner "$INPUT_APP_OWNER")
elif [[ -n $INPUT_APP_PRIVATE_KEY || -n $INPUT_INSTALLATION_ID || -n $INPUT_APP_OWNER ]]; then
    fail "inputs app-private-key, installation-id and app-owner need app-id"
fi
unset INPUT_APP_PRIVATE_KEY

# `name<<DELIMITER` output lines for a value that may hold anything (a path
# given as an input): a line break in it cannot start another output.
output_block() {
    local name=$1 value=$2 delimiter
    delimiter=ghpkg_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    while [[ $value == *"$delimiter"* ]]; do
        delimiter=ghpkg_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    done
    printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter"
}

# Runs ghpkg with args, sets the outputs from its JSON, shows the summary;
# exits with ghpkg's exit code (a budget stop: a warning, and success).
run_ghpkg() {
    echo "ghpkg ${args[*]}"
    rm -f "$summary" "$result"
    status=0
    ghpkg "${args[@]}" >"$result" || status=$?
    # Without a report (bad input, authentication, ...), ghpkg said why on stderr.
    if [[ ! -s $result ]]; then
        exit "$status"
    fi

    {
        echo "deleted-count=$(jq -r '.counts.deleted' "$result")"
        echo "kept-count=$(jq -r '.counts.kept' "$result")"
        echo "skipped-count=$(jq -r '.counts.skipped' "$result")"
        echo "planned-count=$(jq -r '.counts.planned' "$result")"
        echo "left-count=$(jq -r '.counts.left' "$result")"
        output_block journal "$(jq -r '.report.journal // ""' "$result")"
        output_block plan "$INPUT_PLAN_OUT"
    } >>"$GITHUB_OUTPUT"
    if [[ -f $summary ]]; then
        cat "$summary"
        flag summary "$INPUT_SUMMARY" && cat "$summary" >>"$GITHUB_STEP_SUMMARY"
    fi
    # The budget stop is the plan working as asked; the next run continues.
    if ((status == 6)); then
        echo "::warning::stopped at the request budget with $(jq -r '.counts.left' "$result") deletions left; the same run again continues"
        exit 0
    fi
    exit "$status"
}

# Budgets bound deletions: a dry run, which only plans, takes none.
budget_flags() {
    [[ -n $INPUT_MAX_REQUESTS ]] && args+=(--max-requests "$INPUT_MAX_REQUESTS")
    [[ -n $INPUT_RESERVE ]] && args+=(--reserve "$INPUT_RESERVE")
    flag wait-for-reset "$INPUT_WAIT_FOR_RESET" && args+=(--wait-for-reset)
    return 0
}

if [[ -n $INPUT_APPLY_PLAN ]]; then
    # A saved plan carries its packages and policy: nothing else may be asked.
    for input in PACKAGE POLICY KEEP_LATEST OLDER_THAN INCLUDE INCLUDE_REGEX EXCLUDE EXCLUDE_REGEX \
        MAX_DOWNLOADS DOWNLOADS KEEP_REFS_FROM KEEP_TAG KEEP_DIGEST PLAN_OUT; do
        var=INPUT_$input
        [[ -z ${!var//[[:space:]]/} ]] || fail "apply-plan executes a saved plan as it is: leave out input $(tr 'A-Z_' 'a-z-' <<<"$input")"
    done
    args+=(apply "$INPUT_APPLY_PLAN")
    [[ -n $INPUT_CONCURRENCY ]] && args+=(--concurrency "$INPUT_CONCURRENCY")
    check_each=true
    flag check-each "${INPUT_CHECK_EACH:-true}" || check_each=false
    if flag dry-run "$INPUT_DRY_RUN"; then
        echo "dry run: nothing will be deleted (set dry-run: false to delete)"
    else
        journal=${INPUT_JOURNAL:-$RUNNER_TEMP/ghpkg-prune-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
        args+=(--yes --journal "$journal")
        [[ $check_each == true ]] || args+=(--no-check-each)
        budget_flags
    fi
    [[ -n $INPUT_SECONDARY_LIMIT ]] && args+=(--secondary-limit "$INPUT_SECONDARY_LIMIT")
    run_ghpkg
fi

# A prune deletes what it has just planned: there is no saved plan to check again.
flag check-each "${INPUT_CHECK_EACH:-true}" || fail "input check-each is for apply-plan; a prune deletes what it has just planned"
args+=(prune --type "$INPUT_PACKAGE_TYPE")
# Multi-line inputs: one flag per non-blank line.
lines() {
    local option=$1 line
    while IFS= read -r line; do
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        [[ -z $line ]] || args+=("$option" "$line")
    done <<<"$2"
}
if flag all-packages "$INPUT_ALL_PACKAGES"; then
    [[ -z ${INPUT_PACKAGE//[[:space:]]/} ]] || fail "give input package or all-packages, not both"
    args+=(--all-packages)
else
    [[ -n ${INPUT_PACKAGE//[[:space:]]/} ]] || fail "input package (names or globs) or all-packages: true is required"
    lines --package "$INPUT_PACKAGE"
fi
[[ -n $INPUT_POLICY ]] && args+=(--policy "$INPUT_POLICY")
[[ -n $INPUT_KEEP_LATEST ]] && args+=(--keep-latest "$INPUT_KEEP_LATEST")
[[ -n $INPUT_OLDER_THAN ]] && args+=(--older-than "$INPUT_OLDER_THAN")
[[ -n $INPUT_MAX_DOWNLOADS ]] && args+=(--max-downloads "$INPUT_MAX_DOWNLOADS")
[[ -n $INPUT_DOWNLOADS ]] && args+=(--downloads "$INPUT_DOWNLOADS")
[[ -n $INPUT_CONCURRENCY ]] && args+=(--concurrency "$INPUT_CONCURRENCY")
lines --include "$INPUT_INCLUDE"
lines --include-regex "$INPUT_INCLUDE_REGEX"
lines --exclude "$INPUT_EXCLUDE"
lines --exclude-regex "$INPUT_EXCLUDE_REGEX"
lines --keep-refs-from "$INPUT_KEEP_REFS_FROM"
lines --keep-tag "$INPUT_KEEP_TAG"
lines --keep-digest "$INPUT_KEEP_DIGEST"
flag untagged "$INPUT_UNTAGGED" && args+=(--untagged)
flag tagged "$INPUT_TAGGED" && args+=(--tagged)
flag keep-releases "$INPUT_KEEP_RELEASES" && args+=(--keep-releases)
flag only-prereleases "$INPUT_ONLY_PRERELEASES" && args+=(--only-prereleases)
flag allow-newest "$INPUT_ALLOW_NEWEST" && args+=(--allow-newest)
flag no-manifest-graph "$INPUT_NO_MANIFEST_GRAPH" && args+=(--no-manifest-graph)
flag keep-referenced "$INPUT_KEEP_REFERENCED" && args+=(--keep-referenced)
if [[ -n $INPUT_PLAN_OUT ]]; then
    flag dry-run "$INPUT_DRY_RUN" || fail "plan-out writes the plan and deletes nothing: leave dry-run true"
    args+=(--plan-out "$INPUT_PLAN_OUT")
    echo "plan only: the plan goes to $INPUT_PLAN_OUT, nothing will be deleted"
elif flag dry-run "$INPUT_DRY_RUN"; then
    echo "dry run: nothing will be deleted (set dry-run: false to delete)"
else
    journal=${INPUT_JOURNAL:-$RUNNER_TEMP/ghpkg-prune-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
    args+=(--yes --journal "$journal")
    budget_flags
fi
[[ -n $INPUT_SECONDARY_LIMIT ]] && args+=(--secondary-limit "$INPUT_SECONDARY_LIMIT")

run_ghpkg
