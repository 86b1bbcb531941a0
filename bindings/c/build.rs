//! Gives the shared library a SONAME when `GHPACKAGES_SONAME` is set, as
//! scripts/dist sets it (`libghpackages.so.MAJOR`, the file its tarball
//! installs with symlinks). Builds inside the tree leave it unset: they are
//! linked by path, and no file there carries the versioned name.

fn main() {
    println!("cargo:rerun-if-env-changed=GHPACKAGES_SONAME");
    if let Ok(soname) = std::env::var("GHPACKAGES_SONAME") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
}
