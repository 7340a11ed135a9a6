//! Document structures that a ranker reading one quote's neighbourhood cannot see, kept as
//! rules:
//!
//! - **speaker labels** of transcripts and interviews: a paragraph that opens with `LAVROV:`,
//!   `Sergey Lavrov:`, `Q:` or `Answer:`. The quotes of a speaker's turn are that speaker's,
//!   unless a cue of their own names someone else (then the turn's speaker relayed them:
//!   `reported_by`); the quotes of a question turn are the interviewer's or words put to the
//!   speaker (`kind` `term`), never the speaker's. `A:` / `Answer:` turns belong to the
//!   interviewee: the one person label of the article, else the person named with
//!   `interview`. In an article with two labels or more a turn runs on over the paragraphs
//!   without a label until the next label;
//! - **a list of one person's remarks**: `Here are Lavrov's comments:` (or `his`, `her`, `what X
//!   said:`), then quote paragraphs under short topic headings (`On Ukraine`, `ON NATO:`): each
//!   quote paragraph is that person's, until a paragraph that is neither.

use super::mentions::MentionKind;
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Method, Speaker};
use crate::clean::Role;
use crate::quote::Quote;
use crate::record::QuoteKind;
use crate::roster::Gender;

/// What the document's structure says about the quotes of one paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Turn {
    /// A speaker's turn (`LAVROV:`, `Answer:`, or a paragraph in a list of their remarks).
    Speaker { speaker: Speaker, label: String, method: Method },
    /// A question (`Q:`) or the turn of a label naming nobody the article knows: its quotes are
    /// not the speaker's.
    Question,
}

/// Nouns before (or after) quotation marks that make them a name or title, not speech (`the
/// newspaper "Izvestia"`, `the "Bolshaya Igra" programme`).
const TITLE_NOUNS: &[&str] = &[
    "newspaper", "magazine", "daily", "weekly", "channel", "programme", "program", "show", "agency", "outlet", "website",
    "publication", "paper", "book", "film", "movie", "documentary", "series", "song", "album", "novel", "article", "column",
    "op-ed", "blog", "podcast", "broadcast", "titled", "entitled", "headlined", "festival", "exercise", "exercises", "operation",
];
/// Nouns before quotation marks that make them a term (`the term "hybrid war"`).
const TERM_NOUNS: &[&str] = &["term", "word", "words", "phrase", "expression", "notion", "concept", "slogan", "label", "buzzword"];

/// Labels of the interviewer's side.
const QUESTION_LABELS: &[&str] = &["q", "question", "interviewer", "journalist", "reporter", "host", "moderator", "correspondent"];
/// Labels of the interviewee's side.
const ANSWER_LABELS: &[&str] = &["a", "answer"];
/// Words that announce a list of remarks (`Here are his comments:`).
const REMARK_NOUNS: &[&str] = &["comments", "remarks", "quotes", "highlights", "excerpts", "statements", "words", "answers", "quotations"];

/// A label at the start of a paragraph: the words before `:` (one to four, each capitalised, or
/// a question or answer word).
fn label_of(paragraph: &str) -> Option<&str> {
    let colon = paragraph.get(..48.min(paragraph.len())).unwrap_or(paragraph).find(':')?;
    let label = paragraph[..colon].trim();
    if !paragraph[colon + 1..].starts_with([' ', '\t', '\n']) {
        return None;
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    let lower = label.to_lowercase();
    if QUESTION_LABELS.contains(&lower.as_str()) || ANSWER_LABELS.contains(&lower.as_str()) {
        return Some(label);
    }
    let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'));
    (!words.is_empty() && words.len() <= 4 && words.iter().all(capitalised)).then_some(label)
}

impl Attributor<'_> {
    /// The structure of each paragraph (`None` where no structure rule applies).
    pub(super) fn find_turns(&self) -> Vec<Option<Turn>> {
        let mut turns: Vec<Option<Turn>> = vec![None; self.paragraphs.len()];
        self.label_turns(&mut turns);
        self.remark_lists(&mut turns);
        turns
    }

    /// The person a label names: the name mention that opens the paragraph and ends at the colon.
    fn label_speaker(&self, p: usize) -> Option<Speaker> {
        let start = self.paragraphs[p].start;
        let first = self.token_at_or_after(start);
        let m = self.mention_starting_at.get(first).copied().flatten()?;
        let mention = &self.found.mentions[m];
        let colon = mention.last + 1;
        if colon >= self.tokens.len() || !self.tokens[colon].is_punct(self.text, ':') {
            return None;
        }
        self.person_of(m)
    }

    fn label_turns(&self, turns: &mut [Option<Turn>]) {
        enum Label {
            Person(Speaker, String),
            Question,
            Answer(String),
            Unknown,
        }
        let mut labels: Vec<(usize, Label)> = Vec::new();
        for (p, paragraph) in self.paragraphs.iter().enumerate() {
            if paragraph.role != Role::Body {
                continue;
            }
            let Some(label) = label_of(&self.text[paragraph.start..paragraph.end]) else { continue };
            let lower = label.to_lowercase();
            let found = if QUESTION_LABELS.contains(&lower.as_str()) {
                Label::Question
            } else if ANSWER_LABELS.contains(&lower.as_str()) {
                Label::Answer(label.to_string())
            } else if let Some(speaker) = self.label_speaker(p) {
                Label::Person(speaker, label.to_string())
            } else if label.chars().all(|c| !c.is_lowercase()) && label.split_whitespace().count() <= 2 {
                // `RT:`, `KOMMERSANT:`: someone's turn, not one the article names.
                Label::Unknown
            } else {
                continue;
            };
            labels.push((p, found));
        }
        let transcript = labels.len() >= 2 && labels.iter().any(|(_, l)| !matches!(l, Label::Unknown));
        // The interviewee: the one person labelled, else the person named with `interview`.
        let mut people: Vec<&Speaker> = Vec::new();
        for (_, l) in &labels {
            if let Label::Person(s, _) = l {
                if !people.contains(&s) {
                    people.push(s);
                }
            }
        }
        let interviewee = match people.as_slice() {
            [one] => Some((*one).clone()),
            [] => self.interviewee(),
            _ => None,
        };
        for (n, (p, label)) in labels.iter().enumerate() {
            let turn = match label {
                Label::Person(speaker, text) => Turn::Speaker { speaker: speaker.clone(), label: text.clone(), method: Method::Label },
                Label::Answer(text) => match &interviewee {
                    Some(speaker) => Turn::Speaker { speaker: speaker.clone(), label: text.clone(), method: Method::Label },
                    None => Turn::Question,
                },
                Label::Question => Turn::Question,
                Label::Unknown if transcript => Turn::Question,
                Label::Unknown => continue,
            };
            // A turn runs on until the next label, in a transcript.
            let until = if transcript { labels.get(n + 1).map_or(self.paragraphs.len(), |(next, _)| *next) } else { p + 1 };
            for slot in turns.iter_mut().take(until).skip(*p) {
                *slot = Some(turn.clone());
            }
        }
    }

    /// The person named (not as a possessive) in the first sentence that says `interview`.
    fn interviewee(&self) -> Option<Speaker> {
        let s = (0..self.sentences.len()).find(|&s| {
            let span = self.sentences[s].span;
            self.paragraphs[self.sentences[s].paragraph].role == Role::Body && self.lower_text[span.start..span.end].contains("interview")
        })?;
        self.mentions_in(s).iter().find_map(|m| match m.kind {
            MentionKind::Name(e) if !m.possessive && self.found.entities[e].person => Some(Speaker::Entity(e)),
            _ => None,
        })
    }

    /// `Here are Lavrov's comments:` and the quote paragraphs under headings after it.
    fn remark_lists(&self, turns: &mut [Option<Turn>]) {
        for p in 0..self.paragraphs.len() {
            let paragraph = self.paragraphs[p];
            if paragraph.role != Role::Body || turns[p].is_some() || !self.text[..paragraph.end].ends_with(':') {
                continue;
            }
            let Some(s) = self.sentence_at(paragraph.end - 1) else { continue };
            let Some((speaker, label)) = self.remarks_owner(s) else { continue };
            let mut q = p + 1;
            while q < self.paragraphs.len() && self.paragraphs[q].role == Role::Body {
                let next = self.paragraphs[q];
                let words = &self.text[next.start..next.end];
                let opens_with_quote = words.starts_with(['“', '"', '‘', '\'', '«']);
                let heading = words.split_whitespace().count() <= 8 && !words.contains(['“', '"', '«']) && !words.ends_with(['.', '?', '!']);
                if opens_with_quote {
                    turns[q] = Some(Turn::Speaker { speaker: speaker.clone(), label: label.clone(), method: Method::List });
                } else if !heading {
                    break;
                }
                q += 1;
            }
        }
    }

    /// The person whose remarks sentence `s` announces (`Here are Maria Zakharova's comments:`,
    /// `Here are his remarks:`, `Below is what Lavrov said:`), with the announcing words.
    fn remarks_owner(&self, s: usize) -> Option<(Speaker, String)> {
        let range = self.sentence_tokens(s);
        let words: Vec<usize> = range.clone().filter(|&k| self.tokens[k].kind == TokenKind::Word).collect();
        let lower = |k: usize| self.lower(k);
        let opener = words.windows(2).position(|w| matches!((lower(w[0]), lower(w[1])), ("here" | "below" | "following" | "these", "are" | "is" | "were")) || lower(w[0]) == "here's")?;
        let after = &words[opener..];
        let noun_at = after.iter().position(|&k| REMARK_NOUNS.contains(&super::tokens::strip_possessive(lower(k)).0));
        let what_said = after.windows(3).find(|w| lower(w[0]) == "what" && self.is_reporting_verb_at(w[2]));
        let phrase = self.text[self.tokens[words[opener]].start..self.tokens[range.end - 1].end].to_string();
        if let Some(w) = what_said {
            // `Below is what Lavrov said:`
            let m = self.mention_starting_at[w[1]]?;
            return self.person_of(m).map(|sp| (sp, phrase));
        }
        let noun = after[noun_at?];
        // The owner: a possessive name or `his` / `her` right before the noun (`Lavrov's key
        // comments`).
        for k in (words[opener]..noun).rev() {
            match lower(k) {
                "his" | "her" => {
                    let gender = if lower(k) == "his" { Gender::Male } else { Gender::Female };
                    return self.recent_person(k, gender).map(|sp| (sp, phrase));
                }
                _ => {
                    if let Some(m) = self.mention_ending_at[k].filter(|&m| self.found.mentions[m].possessive) {
                        return self.person_of(m).map(|sp| (sp, phrase));
                    }
                }
            }
        }
        None
    }

    /// The person a name mention stands for (`None` for names not known to be people).
    fn person_of(&self, m: usize) -> Option<Speaker> {
        match self.found.mentions[m].kind {
            MentionKind::Name(e) if self.found.entities[e].person || self.found.entities[e].roster.is_some() => Some(Speaker::Entity(e)),
            _ => None,
        }
    }

    /// The person `his` / `her` at token `at` stands for: the nearest named person of that
    /// gender before it, within the paragraph and the one before.
    fn recent_person(&self, at: usize, gender: Gender) -> Option<Speaker> {
        let p0 = self.sentences[self.tokens[at].sentence].paragraph;
        let order = &self.mentions_in_order;
        let before = order.partition_point(|&m| self.found.mentions[m].first < at);
        let nearest = order[..before].iter().rev().take(4 * super::resolve::MAX_MENTIONS_LOOKED_AT).map(|&m| &self.found.mentions[m]);
        nearest.take_while(|m| self.sentences[m.sentence].paragraph + 1 >= p0).filter(|m| m.last < at).find_map(|m| match m.kind {
            MentionKind::Name(e) if self.found.entities[e].person && self.found.entities[e].gender.is_none_or(|g| g == gender) => Some(Speaker::Entity(e)),
            _ => None,
        })
    }

    /// `term` or `title` for quotation marks that are not speech: `the so-called "…"`, `the term
    /// "…"` (used by nobody named), `the newspaper "Izvestia"`, `the "Bolshaya Igra" programme`. A title is short (six
    /// words at most), capitalised and ends in no punctuation, so `told the newspaper "We will
    /// not …,"` stays speech.
    ///
    /// `the term "…"` names whoever the text says used it (`Trump has used the phrase "…"`,
    /// credited to Trump as PolNeAR's annotators do); it is a `term` only where nobody is found,
    /// which the caller checks afterwards (`named_user_allowed` false).
    pub(super) fn not_speech(&self, q: &Quote, named_user_allowed: bool) -> Option<QuoteKind> {
        let words = &self.text[q.start..q.end];
        let count = words.split_whitespace().count();
        let open = self.token_at_or_after(q.open);
        let s = self.tokens.get(open).map(|t| t.sentence)?;
        let word_before = |back: usize| {
            let k = open.checked_sub(back)?;
            let t = self.tokens[k];
            (t.sentence == s && t.kind == TokenKind::Word && !t.in_quote).then(|| self.lower(k))
        };
        let before = word_before(1);
        if count <= 5 && before == Some("so-called") {
            return Some(QuoteKind::Term);
        }
        if !named_user_allowed && count <= 5 && before.is_some_and(|w| TERM_NOUNS.contains(&w)) && word_before(2).is_some_and(|w| matches!(w, "the" | "a" | "this" | "that")) {
            return Some(QuoteKind::Term);
        }
        let title_like = count <= 6 && words.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) && !words.trim_end().ends_with(['.', ',', '!', '?', ';', ':', '…']);
        if !title_like {
            return None;
        }
        let close = self.token_at_or_after(q.close);
        let after = self.tokens.get(close).filter(|t| t.sentence == s && t.kind == TokenKind::Word).map(|_| self.lower(close));
        let titled = before.is_some_and(|w| TITLE_NOUNS.contains(&w)) || after.is_some_and(|w| TITLE_NOUNS.contains(&w));
        titled.then_some(QuoteKind::Title)
    }

    /// The attribution of a quote in a paragraph with a structure: a cue of its own naming
    /// someone else wins (the turn's speaker relayed them); else the turn's speaker, or nobody
    /// in a question.
    pub(super) fn in_turn(&mut self, q: &Quote, turn: &Turn) -> Attribution {
        // The label itself (`Answer: "…"` read as a colon cue) is no cue of the quote's own.
        let start = self.paragraphs[q.paragraph].start;
        let own = self.own_cue(q).filter(|a| a.mention_start != Some(start));
        match turn {
            Turn::Speaker { speaker, label, method } => match own {
                // `LAVROV: As President Putin said, "…"`: Putin's words, relayed by Lavrov.
                Some(mut a) if a.speaker.as_ref().is_some_and(|s| s != speaker) => {
                    a.reported_by = a.reported_by.or_else(|| Some(speaker.clone()));
                    a
                }
                _ => Attribution { speaker: Some(speaker.clone()), cue: ":".into(), mention: label.clone(), method: *method, confidence: 0.8, mention_start: None, reported_by: None, kind: None },
            },
            Turn::Question => match own {
                Some(a) if a.speaker.is_some() => a,
                // Words the interviewer puts to the speaker are no one's speech here.
                _ => Attribution { kind: Some(QuoteKind::Term), ..Attribution::none(Method::None) },
            },
        }
    }
}
