//! The row written for each quotation: plain data flowing from the text stages through the
//! tone stage to the CSV writer.

/// Whether a quotation is speech on its own or words embedded in the writer's sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QuoteKind {
    /// A full sentence (or more) of speech: `"Now we have restarted," Nebenzia said.`
    Direct,
    /// A few words inside the writer's sentence: `the issues are "complex"`.
    #[default]
    Partial,
    /// Quotation marks around a term, not speech: `the so-called "rules-based order"`, or
    /// words an interviewer put to the speaker. Never attributed.
    Term,
    /// Quotation marks around a name or title: `the "Bolshaya Igra" programme`, `the newspaper
    /// "Izvestia"`. Never attributed.
    Title,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Term => "term",
            QuoteKind::Title => "title",
        }
    }
}

/// Tone of a quote as written to the CSV (filled by the tone stage).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToneColumns {
    /// `negative`, `neutral` or `positive`.
    pub tone: String,
    /// Signed score in [-1, 1]: p_positive − p_negative.
    pub tone_score: f32,
    pub p_negative: f32,
    /// Empty for two-label models.
    pub p_neutral: Option<f32>,
    pub p_positive: f32,
    /// The model that scored it.
    pub model: String,
}

/// One CSV row: a quotation, its speaker and its tone. See the README for each column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteRow {
    pub article_id: String,
    /// Full ISO 8601 date (`2021-07-27`); `None` when no complete date is known.
    pub published: Option<String>,
    /// Canonical roster name, or the name as found; `None` when unattributed.
    pub speaker: Option<String>,
    /// Roster id, for officials.
    pub speaker_id: Option<String>,
    pub kind: QuoteKind,
    /// The quoted words without their marks, white space folded.
    pub quote: String,
    /// The reporting verb or phrase.
    pub cue: String,
    /// The words that named the speaker.
    pub mention: String,
    /// How the speaker was found (see `attribute::Method`).
    pub method: &'static str,
    /// In [0, 1]; `None` when unattributed.
    pub confidence: Option<f32>,
    /// The sentence(s) holding the quote.
    pub context: String,
    /// Character offsets of the quoted words in the article text (`None` for a quote in a
    /// separately given title).
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub tone: Option<ToneColumns>,
    /// File path (with `:LINE` for JSON Lines and CSV), or the article URL.
    pub source: String,
    /// The `article_id` of the first article (input order) with the same quote by the same
    /// speaker, or with nearly the same text (a wire copy); `None` on the first (see `dedupe`).
    pub duplicate_of: Option<String>,
    /// A key for the person across articles: the roster id for officials, else a normalised
    /// name that `Barack Obama`, `Obama` and `President Obama` share (see `speaker_key`).
    pub speaker_key: Option<String>,
    /// Where `published` came from: `input`, `header`, `dateline` or `file_name` (see `date`).
    pub date_source: Option<&'static str>,
    /// Who relayed the speaker's words (`he recalled Biden's words that "…"`: Biden speaks,
    /// reported by him); `None` when the speaker's words are reported directly.
    pub reported_by: Option<String>,
}
