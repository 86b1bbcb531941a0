//! The committed header `include/ghpackages.h` must be what cbindgen
//! generates from the sources now; set `GHPACKAGES_UPDATE_HEADER=1` to
//! rewrite it.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let fresh = String::from_utf8(fresh).expect("the header is UTF-8");

    let committed_path = crate_dir.join("../../include/ghpackages.h");
    if std::env::var_os("GHPACKAGES_UPDATE_HEADER").is_some() {
        std::fs::write(&committed_path, &fresh).expect("include/ghpackages.h is writable");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/ghpackages.h is out of date; regenerate it with \
         GHPACKAGES_UPDATE_HEADER=1 cargo test -p ghpackages-c --test header"
    );
}
