//! The attribution policy (README, "Whose words"): words are credited to whoever said them,
//! with `reported_by` naming an official who relayed them; quotation marks that are not speech
//! are `term` or `title` and nobody's. Short texts written for each case.

use crate::pipeline::{analyze, is_roster_row};
use crate::read::Article;
use crate::record::QuoteRow;
use crate::roster::Roster;

fn rows(text: &str) -> Vec<QuoteRow> {
    let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
    let article = Article { id: "t".into(), text: text.into(), source: "t".into(), title: Some(String::new()), date: Some("2022-03-01".into()), ..Article::default() };
    analyze(&article, &roster)
}

/// (speaker, reported_by, kind) of each quotation, "-" for empty.
fn policy(text: &str) -> Vec<(String, String, String)> {
    rows(text).into_iter().map(|r| (r.speaker.unwrap_or_else(|| "-".into()), r.reported_by.unwrap_or_else(|| "-".into()), r.kind.as_str().to_string())).collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[test]
fn relayed_words_are_the_true_speakers_reported_by_the_official() {
    assert_eq!(policy("Maria Zakharova commented on Volodymyr Zelensky's wish to “end the war by winter.”"), vec![triple("Volodymyr Zelensky", "Maria Zakharova", "partial")]);
    assert_eq!(policy("Sergey Lavrov recalled Joe Biden's words that “Russia is a gas station.”"), vec![triple("Joe Biden", "Sergey Lavrov", "partial")]);
    assert_eq!(policy("Maria Zakharova quoted Sergei Ryabkov as saying “the talks were useful.”"), vec![triple("Sergei Ryabkov", "Maria Zakharova", "partial")]);
    // In a transcript, the answering minister relays Putin's words.
    let transcript = "Sergey Lavrov took questions.\n\nQ: What about the talks?\n\nLAVROV: As President Vladimir Putin said, “we are open to talks.”\n\nQ: And then?\n\nLAVROV: “We will see.”";
    assert_eq!(policy(transcript), vec![triple("Vladimir Putin", "Sergey Lavrov", "partial"), triple("Sergey Lavrov", "-", "direct")]);
    // Words the official says directly are reported by nobody.
    assert_eq!(policy("“The talks were useful,” Sergey Lavrov said."), vec![triple("Sergey Lavrov", "-", "direct")]);
}

#[test]
fn relayed_words_are_never_the_relaying_officials_roster_rows() {
    let r = rows("Sergey Lavrov recalled Joe Biden's words that “Russia is a gas station.”");
    assert!(!r.iter().any(is_roster_row), "{r:?}");
}

#[test]
fn terms_and_titles_are_nobodys() {
    assert_eq!(policy("Sergey Lavrov criticised the so-called “rules-based order” of the West."), vec![triple("-", "-", "term")]);
    assert_eq!(policy("Sergey Lavrov arrived. The term “hybrid war” is heard more and more in Moscow."), vec![triple("-", "-", "term")]);
    assert_eq!(
        policy("Maria Zakharova told the “Bolshaya Igra” programme that the talks were “useful.”"),
        vec![triple("-", "-", "title"), triple("Maria Zakharova", "-", "partial")]
    );
    assert_eq!(policy("Sergey Lavrov gave an interview to the newspaper “Izvestia” on Monday."), vec![triple("-", "-", "title")]);
    // Speech to a newspaper is speech.
    assert_eq!(policy("Sergey Lavrov told the newspaper “We will not accept ultimatums.”")[0].0, "Sergey Lavrov");
    // Words an interviewer puts to the speaker.
    assert_eq!(policy("Sergey Lavrov took questions.\n\nQ: Is it “a new cold war”?\n\nLAVROV: No.")[0], triple("-", "-", "term"));
}
