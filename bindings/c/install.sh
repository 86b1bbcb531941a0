#!/usr/bin/env bash
# Installs libghpackages (shared and static), its header and its pkg-config
# file under PREFIX, from a build in target/PROFILE:
#   cargo build --release -p ghpackages-c
#   bindings/c/install.sh /usr/local            # PROFILE defaults to release
#   bindings/c/install.sh "$HOME/.local" debug
set -euo pipefail
cd "$(dirname "$0")/../.."

prefix=${1:?usage: bindings/c/install.sh PREFIX [PROFILE]}
profile=${2:-release}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

install -Dm644 include/ghpackages.h "$prefix/include/ghpackages.h"
install -Dm755 "target/$profile/libghpackages.so" "$prefix/lib/libghpackages.so"
install -Dm644 "target/$profile/libghpackages.a" "$prefix/lib/libghpackages.a"
mkdir -p "$prefix/lib/pkgconfig"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" bindings/c/ghpackages.pc.in \
    > "$prefix/lib/pkgconfig/ghpackages.pc"
echo "installed libghpackages $version under $prefix"
