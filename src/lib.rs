//! quotestance: find direct quotations in news articles, attribute them to their speakers
//! (above all to a roster of officials) and score their tone.
//!
//! Pipeline stages, one module each, data flowing one way through plain structs:
//! [`read`] (files → [`read::Article`]) → [`clean`] (paragraphs, page furniture, headline;
//! [`date`] for the publication date) → [`split`] (sentences) → [`quote`] (quotations) →
//! [`attribute`] (speakers, with the [`roster`]) → [`tone`] → [`write`] (CSV of
//! [`record::QuoteRow`]). [`pipeline`] runs the text stages for one article; [`eval`] scores
//! output against gold quotes.

pub mod attribute;
pub mod chart;
pub mod clean;
pub mod date;
pub mod dedupe;
pub mod eval;
pub mod home;
pub mod pipeline;
pub mod progress;
pub mod quote;
pub mod read;
pub mod record;
pub mod rng;
pub mod roster;
pub mod speaker_key;
pub mod split;
pub mod state;
pub mod summary;
pub mod syntax;
pub mod tone;
pub mod write;
