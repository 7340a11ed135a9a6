//! Bakes the location of libtorch into every binary as an rpath, so that the built tool runs
//! without LD_LIBRARY_PATH. torch-sys reports the folder it linked against through `links`
//! metadata (DEP_TCH_LIBTORCH_LIB), which Cargo passes only to direct dependents like us.
fn main() {
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
