//! Where the bundled files (the roster, the tone model, the syntax models) are found, so that
//! the binary works from the repository, from an install (`make install PREFIX=...`) or copied
//! anywhere with `QUOTESTANCE_HOME` set.
//!
//! A file named by its path in the repository (`data/roster.toml`, `models/tone`) is looked for,
//! first found wins, under:
//! 1. `$QUOTESTANCE_HOME` (a folder laid out like the repository, or like an install's
//!    `share/quotestance`);
//! 2. the working directory;
//! 3. `<executable>/../share/quotestance` (the install layout: `PREFIX/bin/quotestance` beside
//!    `PREFIX/share/quotestance/data/roster.toml`);
//! 4. the repository holding the executable (`target/release/quotestance` or a test binary in
//!    `target/release/deps/`).
//!
//! Flags (`--roster`, `--model`) beat all of these. When nothing is found the relative path is
//! returned as it is, and the error of whoever opens it names it.

use std::path::{Path, PathBuf};

/// The environment variable naming the data folder.
pub const HOME_VAR: &str = "QUOTESTANCE_HOME";

/// The folders searched, in order (see the module docs).
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os(HOME_VAR).filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(home));
    }
    dirs.push(PathBuf::from("."));
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok()).and_then(|e| e.parent().map(Path::to_path_buf)) {
        if let Some(prefix) = exe_dir.parent() {
            dirs.push(prefix.join("share/quotestance"));
        }
        // target/release/quotestance → the repository; target/release/deps/test → the same.
        for up in [2, 3] {
            if let Some(repo) = exe_dir.ancestors().nth(up - 1).and_then(Path::parent) {
                dirs.push(repo.to_path_buf());
            }
        }
    }
    dirs
}

/// The first existing `relative` under the search folders, else `relative` itself.
pub fn locate(relative: &str) -> PathBuf {
    for dir in search_dirs() {
        let candidate = if dir == Path::new(".") { PathBuf::from(relative) } else { dir.join(relative) };
        if candidate.exists() {
            return candidate;
        }
    }
    PathBuf::from(relative)
}
