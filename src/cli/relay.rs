//! The tone stage as `run` sees it. With the `tone` feature (the default build) this is the
//! real model. Without it (the libtorch-free `quotestance` that `make install` puts first on the
//! PATH), nothing here loads libtorch: whatever needs the model hands the whole command over to
//! the full binary `quotestance-tone` (same arguments, same standard streams, `exec`), so a
//! `--no-tone` run, `summary`, `chart` and `eval` stay small.

#[cfg(feature = "tone")]
pub use quotestance::tone::{default_model_dir, ToneModel};

#[cfg(not(feature = "tone"))]
pub use lite::*;

#[cfg(not(feature = "tone"))]
mod lite {
    use anyhow::{Context, Result};
    use quotestance::tone::ToneScore;
    use std::path::{Path, PathBuf};

    pub use quotestance::tone::default_model_dir;

    /// The full binary: `$QUOTESTANCE_TONE_BIN`, else `quotestance-tone` beside this executable
    /// (the install layout), else the default build of the same checkout (`target/release/`).
    pub fn full_binary() -> Option<PathBuf> {
        if let Some(bin) = std::env::var_os("QUOTESTANCE_TONE_BIN").filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(bin));
        }
        let exe = std::env::current_exe().ok()?.canonicalize().ok()?;
        let dir = exe.parent()?;
        [dir.join("quotestance-tone"), dir.join("../../release/quotestance")].into_iter().find(|p| p.is_file())
    }

    /// Replaces this process by the full binary with the same arguments; returns only on failure.
    pub fn hand_over() -> anyhow::Error {
        use std::os::unix::process::CommandExt;
        let Some(bin) = full_binary() else {
            return anyhow::anyhow!(
                "this quotestance is built without the tone model; install quotestance-tone beside it \
                 (make install), set QUOTESTANCE_TONE_BIN, or use --no-tone"
            );
        };
        let err = std::process::Command::new(&bin).args(std::env::args_os().skip(1)).exec();
        anyhow::Error::new(err).context(format!("cannot start {}", bin.display()))
    }

    /// Never constructed: loading hands the run over to the full binary.
    pub struct ToneModel(std::convert::Infallible);

    impl ToneModel {
        pub fn load(_dir: &Path, _threads: usize) -> Result<ToneModel> {
            Err(hand_over()).context("the tone model needs quotestance-tone")
        }
        pub fn name(&self) -> &str {
            match self.0 {}
        }
        pub fn score_with_progress(&self, _texts: &[&str], _progress: &mut dyn FnMut(usize)) -> Result<Vec<ToneScore>> {
            match self.0 {}
        }
    }

    /// `quotestance tone|train-tone|assemble-tone|eval-tone ...` in the lite binary: every
    /// argument, `--help` included, goes to quotestance-tone.
    #[derive(clap::Args)]
    #[command(disable_help_flag = true)]
    pub struct RelayArgs {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        _args: Vec<std::ffi::OsString>,
    }

    pub fn relay_main(_: RelayArgs) -> Result<std::process::ExitCode> {
        Err(hand_over())
    }
}
