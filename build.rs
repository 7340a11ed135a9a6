//! Bakes the location of libtorch into every binary as a *relative* rpath (`$ORIGIN/...`), so
//! that the built tool runs without LD_LIBRARY_PATH and keeps running when the repository is
//! moved, or when the binary is installed with `make install PREFIX=...`.
//!
//! torch-sys reports the folder it linked against through `links` metadata
//! (DEP_TCH_LIBTORCH_LIB), which Cargo passes only to direct dependents like us. Three entries:
//! - `$ORIGIN/../lib/quotestance/torch/lib`: the install layout (`PREFIX/bin/quotestance`; `make
//!   install` copies the libraries there, keeping the wheel's `torch/lib` + `nvidia/*/lib` layout
//!   that libtorch's own `$ORIGIN` rpaths expect);
//! - the libtorch folder relative to `target/<profile>/` (the binaries) and to
//!   `target/<profile>/deps/` (the test binaries), i.e. into the project's `.venv`.

use std::path::{Component, Path, PathBuf};

/// `to` relative to `from` (both absolute), with `..` where needed.
fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let (from, to): (Vec<Component>, Vec<Component>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") else { return };
    let lib = Path::new(&lib);
    let lib = lib.canonicalize().unwrap_or_else(|_| lib.to_path_buf());
    let mut rpaths = vec!["$ORIGIN/../lib/quotestance/torch/lib".to_string()];
    // OUT_DIR is target/<profile>/build/quotestance-<hash>/out: three levels below the binaries.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Some(bin_dir) = out_dir.ancestors().nth(3) {
        let bin_dir = bin_dir.canonicalize().unwrap_or_else(|_| bin_dir.to_path_buf());
        for dir in [bin_dir.clone(), bin_dir.join("deps")] {
            match relative(&dir, &lib) {
                Some(rel) => rpaths.push(format!("$ORIGIN/{}", rel.display())),
                None => rpaths.push(lib.display().to_string()), // another drive or root: no relative path exists
            }
        }
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", rpaths.join(":"));
}
