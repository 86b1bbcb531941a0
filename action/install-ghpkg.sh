#!/usr/bin/env bash
# The action's install step: puts the ghpkg of this action's version on PATH
# (through $GITHUB_PATH), and says where it came from in the step output
# `source`:
#   path     a ghpkg of this version is already on PATH (a previous run of the
#            action in this job, or one installed on the runner): used as is;
#   release  the action is used at its release tag (vVERSION): the release's
#            ghpkg-VERSION-TARGET.tar.gz for this runner, checked against the
#            release's SHA256SUMS;
#   cargo    otherwise (a branch, a commit, a tag with no release, a runner
#            with no release build): `cargo install --locked` from the
#            action's own checkout.
# Reads GITHUB_ACTION_PATH, GITHUB_SERVER_URL, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT, and GHPKG_ACTION_REF /
# GHPKG_ACTION_REPOSITORY (github.action_ref / action_repository).
set -euo pipefail

action=${GITHUB_ACTION_PATH//\\//}
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$action/Cargo.toml")
[[ -n $version ]] || { echo "::error::no workspace version in $action/Cargo.toml"; exit 1; }

installed() {
    echo "source=$1" >>"$GITHUB_OUTPUT"
    echo "ghpkg $version ($1): $2"
}

if found=$(command -v ghpkg) && [[ $(ghpkg --version 2>/dev/null) == "ghpkg $version" ]]; then
    installed path "$found"
    exit 0
fi

# The runner checks actions out to .../_actions/OWNER/REPO/REF: the fallback
# when the expressions were empty.
ref=${GHPKG_ACTION_REF:-}
repository=${GHPKG_ACTION_REPOSITORY:-}
if [[ -z $ref || -z $repository ]] && [[ $action =~ /_actions/([^/]+)/([^/]+)/([^/]+)$ ]]; then
    repository=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}
    ref=${BASH_REMATCH[3]}
fi

# The targets the release workflow builds.
exe=""
case "$RUNNER_OS/$RUNNER_ARCH" in
    Linux/X64) target=x86_64-unknown-linux-gnu ;;
    Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc exe=.exe ;;
    *) target="" ;;
esac

dest=$RUNNER_TEMP/ghpkg-$version
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

if [[ $ref == "v$version" && -n $repository && -n $target ]]; then
    name=ghpkg-$version-$target
    url=$GITHUB_SERVER_URL/$repository/releases/download/v$version
    download=$RUNNER_TEMP/ghpkg-download
    rm -rf "$download" && mkdir -p "$download"
    if curl -fsSL --retry 3 -o "$download/$name.tar.gz" "$url/$name.tar.gz" &&
        curl -fsSL --retry 3 -o "$download/SHA256SUMS" "$url/SHA256SUMS"; then
        expected=$(awk -v f="$name.tar.gz" '$2 == f || $2 == "*" f { print $1 }' "$download/SHA256SUMS")
        actual=$(sha256 "$download/$name.tar.gz")
        if [[ -z $expected || $expected != "$actual" ]]; then
            echo "::error::$name.tar.gz does not match the release's SHA256SUMS (expected '${expected}', got $actual)"
            exit 1
        fi
        rm -rf "$dest" && mkdir -p "$dest"
        tar -xzf "$download/$name.tar.gz" -C "$dest"
        echo "$dest/$name" >>"$GITHUB_PATH"
        installed release "$url/$name.tar.gz -> $dest/$name/ghpkg$exe"
        exit 0
    fi
    echo "::notice::no release tarball $name.tar.gz at $url; building ghpkg from the action's source"
fi

if ! command -v cargo >/dev/null; then
    echo "::error::cargo is not on PATH: install Rust before this action, or use a released version of it (@vX.Y.Z)"
    exit 1
fi
cargo install --locked --path "$action/crates/ghpackages-cli" --root "$dest"
echo "$dest/bin" >>"$GITHUB_PATH"
installed cargo "$dest/bin/ghpkg$exe"
