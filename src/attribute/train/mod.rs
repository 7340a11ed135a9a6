//! Training code for the attribution stage; nothing at run time depends on it.

pub mod calibrate;
pub mod ranker;
pub mod speaker;
