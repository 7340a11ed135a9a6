//! quotestance: find direct quotations in news articles, attribute them to their speakers
//! (above all to a roster of officials) and score their tone.
//!
//! Pipeline stages, one module each, data flowing one way:
//! read → clean → split → quote → attribute → tone → write.

pub mod tone;
