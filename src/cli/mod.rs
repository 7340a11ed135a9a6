//! Subcommand front ends: argument structs and the glue between the command line and the library.

pub mod chart;
pub mod eval;
pub mod run;
pub mod relay;
pub mod speaker;
pub mod summary;
pub mod syntax;
#[cfg(feature = "tone")]
pub mod tone;

/// Exit status when the job finished but some input was skipped (each reported on stderr).
pub const EXIT_PARTIAL: u8 = 1;
/// Exit status when nothing was written: bad arguments, roster, model or output path.
pub const EXIT_FATAL: u8 = 2;
