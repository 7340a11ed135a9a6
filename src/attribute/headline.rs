//! Speakers in headlines, which only headline patterns may give:
//! `… 'Encouraging,' But Differences Remain - Lavrov`, `Lavrov: '…'`, `…, Lavrov says`.

use super::lexicon;
use crate::roster::Roster;

/// Reads a speaker from a headline: `… 'Encouraging,' But Differences Remain - Lavrov`,
/// `Lavrov: '…'`, `'…', Lavrov says`. Returns the name, roster index and cue.
pub fn headline_speaker(headline: &str, roster: &Roster) -> Option<(String, Option<usize>, String)> {
    let trimmed = headline.trim().trim_end_matches('.');
    let candidate = |name: &str| -> Option<(String, Option<usize>)> {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.is_empty() || words.len() > 4 || !words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
            return None;
        }
        let words: Vec<&str> = words.into_iter().skip_while(|w| lexicon::title(w).is_some()).collect();
        if words.is_empty() || words.iter().any(|w| lexicon::is_org_word(w) || lexicon::is_not_name(w)) {
            return None;
        }
        let official = roster.lookup(&words);
        let person = official.is_some() || lexicon::given_name(words[0]).is_some() || words.len() >= 2;
        person.then(|| (words.join(" "), official))
    };
    // `… - Lavrov` / `…: Lavrov`
    for sep in [" - ", " – ", " — ", ": "] {
        if let Some((_, tail)) = trimmed.rsplit_once(sep) {
            if let Some((name, official)) = candidate(tail) {
                return Some((name, official, sep.trim().to_string()));
            }
        }
    }
    // `Lavrov: '…'`
    if let Some((head, _)) = trimmed.split_once(": ") {
        if let Some((name, official)) = candidate(head) {
            return Some((name, official, ":".into()));
        }
    }
    // `…, Lavrov says`
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if let Some(pos) = words.iter().rposition(|w| matches!(*w, "says" | "said" | "warns" | "tells")) {
        for len in 1..=3.min(pos) {
            let name = words[pos - len..pos].join(" ");
            if let Some((name, official)) = candidate(name.trim_start_matches(',')) {
                return Some((name, official, words[pos].into()));
            }
        }
    }
    None
}
