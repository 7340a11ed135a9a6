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
pub mod clean;
pub mod date;
pub mod eval;
pub mod pipeline;
pub mod quote;
pub mod read;
pub mod record;
pub mod roster;
pub mod split;
pub mod syntax;
pub mod tone;
pub mod write;
