//! Speakers in headlines, which only headline patterns may give:
//! `… 'Encouraging,' But Differences Remain - Lavrov`, `Lavrov: '…'`, `…, Lavrov says`,
//! `Zakharova slams … as '…'`.

use super::lexicon;
use crate::roster::Roster;

/// Verbs of saying that follow a speaker's name at the start of a headline.
const HEADLINE_VERBS: &[&str] = &[
    "says", "said", "slams", "urges", "warns", "calls", "accuses", "rejects", "hails", "blasts", "denies", "insists",
    "vows", "claims", "dismisses", "criticizes", "criticises", "praises", "tells", "stresses", "demands", "condemns",
    "decries", "describes", "brands", "labels", "questions", "mocks", "lambasts", "rips", "explains", "asks",
];

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
    for sep in [" -- ", " - ", " – ", " — ", ": "] {
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
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    // `Zakharova Slams Harris' Speech as 'Collection of Clichés'`, `Nebenzia urges UN to …`:
    // a name opens the headline and a verb of saying follows it.
    for len in 1..=3.min(words.len().saturating_sub(1)) {
        let verb = words[len].to_lowercase();
        let first_quote = trimmed.find(['\'', '‘', '"', '“']).unwrap_or(trimmed.len());
        let verb_at = words[..=len].iter().map(|w| w.len() + 1).sum::<usize>();
        // `Zakharova mocks Blinken over ‘rules-based order’`: the quote is the other's words.
        let before_quote = trimmed[..first_quote].split_whitespace().next_back().unwrap_or("").to_lowercase();
        let others_words = matches!(before_quote.as_str(), "over" | "for" | "about" | "on");
        if HEADLINE_VERBS.contains(&verb.as_str()) && verb_at <= first_quote + 1 && !others_words {
            if let Some((name, official)) = candidate(&words[..len].join(" ")) {
                return Some((name, official, words[len].to_string()));
            }
        }
    }
    // `…, Lavrov says`
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

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(headline: &str) -> Option<String> {
        let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
        headline_speaker(headline, &roster).map(|(name, _, _)| name)
    }

    #[test]
    fn headline_patterns() {
        assert_eq!(speaker("Russia-US Dialogue On Strategic Stability 'Encouraging,' But Differences Remain - Lavrov").as_deref(), Some("Lavrov"));
        assert_eq!(speaker("Lavrov: 'We are ready'").as_deref(), Some("Lavrov"));
        assert_eq!(speaker("Zakharova Slams Harris' Munich Speech as 'Collection of Clichés'").as_deref(), Some("Zakharova"));
        assert_eq!(speaker("Nebenzia urges UN to stop 'politicizing' aid").as_deref(), Some("Nebenzia"));
        assert_eq!(speaker("Moscow hopes US ‘serious’ in seeking dialogue in new talks this week"), None);
        assert_eq!(speaker("Zakharova mocks Blinken over ‘rules-based order’ remarks"), None);
        assert_eq!(speaker("Also on 'The Americans aren’t listening to us,' Russia says"), None);
    }
}
