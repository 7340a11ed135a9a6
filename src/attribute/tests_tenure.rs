//! Role-only phrases and the roster's tenures, on short texts written for them.

use crate::pipeline::analyze;
use crate::read::Article;
use crate::roster::Roster;

/// (speaker or "-", speaker_id or "-") of each quotation in `text` published on `date`.
fn speakers(text: &str, date: Option<&str>) -> Vec<(String, String)> {
    let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
    let article = Article { id: "t".into(), text: text.into(), source: "t".into(), title: Some(String::new()), date: date.map(String::from), ..Article::default() };
    analyze(&article, &roster).into_iter().map(|r| (r.speaker.unwrap_or_else(|| "-".into()), r.speaker_id.unwrap_or_else(|| "-".into()))).collect()
}

fn ids(text: &str, date: Option<&str>) -> Vec<String> {
    speakers(text, date).into_iter().map(|(_, id)| id).collect()
}

#[test]
fn envoy_to_the_un_is_the_holder_on_the_date() {
    let text = "Russia's envoy to the UN said the vote was “a farce.”";
    assert_eq!(speakers(text, Some("2021-03-01")), vec![("Vassily Nebenzia".to_string(), "nebenzia".to_string())]);
    // Lavrov held the post before he became minister; between Churkin and Nebenzia (2015) the
    // roster knows nobody.
    assert_eq!(ids(text, Some("2001-05-01")), vec!["lavrov"]);
    assert_eq!(ids(text, Some("2015-05-01")), vec!["-"]);
}

#[test]
fn without_a_date_a_role_names_nobody() {
    assert_eq!(ids("Russia's envoy to the UN said the vote was “a farce.”", None), vec!["-"]);
    assert_eq!(ids("“We are ready,” the Russian ambassador in Washington told reporters.", None), vec!["-"]);
}

#[test]
fn ambassador_to_the_us_within_and_after_the_tenure() {
    let text = "“We are ready for dialogue,” the Russian ambassador in Washington told reporters.";
    assert_eq!(ids(text, Some("2020-06-10")), vec!["antonov"]);
    assert_eq!(ids(text, Some("2025-01-10")), vec!["-"]);
    // A bound known to the month only leaves that month out.
    assert_eq!(ids(text, Some("2017-08-25")), vec!["-"]);
    assert_eq!(ids(text, Some("2017-09-02")), vec!["antonov"]);
    assert_eq!(ids("Russia's ambassador to the United States said the sanctions were “a dead end.”", Some("2022-04-01")), vec!["antonov"]);
}

#[test]
fn another_countrys_post_or_a_former_holder_is_not_the_official() {
    assert_eq!(ids("The US envoy to the UN said the vote was “a farce.”", Some("2021-03-01")), vec!["-"]);
    assert_eq!(ids("The US ambassador to Russia said the talks were “useful.”", Some("2021-03-01")), vec!["-"]);
    assert_eq!(ids("The former Russian ambassador to the US said the talks were “useful.”", Some("2021-03-01")), vec!["-"]);
    assert_eq!(ids("Russia's deputy envoy to the UN said the vote was “a farce.”", Some("2021-03-01")), vec!["-"]);
    // An indefinite phrase is anybody holding such a post.
    assert_eq!(ids("A Russian envoy to the UN said the vote was “a farce.”", Some("2021-03-01")), vec!["-"]);
}

#[test]
fn ministry_spokeswoman_needs_the_country_in_the_article() {
    let russian = "Moscow has rejected the claims. The ministry spokeswoman said they were “absurd.”";
    assert_eq!(ids(russian, Some("2022-05-04")), vec!["zakharova"]);
    assert_eq!(ids("Officials rejected the claims. The ministry spokeswoman said they were “absurd.”", Some("2022-05-04")), vec!["-"]);
    let two = "Moscow has rejected the claims, a Ukrainian foreign ministry spokeswoman noted. The ministry spokeswoman said they were “absurd.”";
    assert_eq!(ids(two, Some("2022-05-04")), vec!["-"]);
    // Before her tenure, nobody.
    assert_eq!(ids(russian, Some("2014-05-04")), vec!["-"]);
}

#[test]
fn a_named_holder_comes_first() {
    // The article names the person holding the role: the role phrase points to them.
    let text = "Dmitry Polyanskiy, Russia's envoy to the UN, arrived. Later the envoy said the vote was “a farce.”";
    assert_eq!(speakers(text, Some("2021-03-01")), vec![("Dmitry Polyanskiy".to_string(), "-".to_string())]);
}

#[test]
fn spelling_variants_in_text_and_a_namesake() {
    assert_eq!(ids("“The claims are absurd,” Maria Zaharova said.", None), vec!["zakharova"]);
    assert_eq!(ids("“The vote is a farce,” Vasily Nebenzya said.", None), vec!["nebenzia"]);
    // The aircraft designer is not the ambassador, nor is a later bare `Antonov` in his story.
    let designer = speakers("“The plane will fly,” Oleg Antonov said. “It is ready,” Antonov added.", Some("2020-01-10"));
    assert_eq!(designer, vec![("Oleg Antonov".to_string(), "-".to_string()), ("Oleg Antonov".to_string(), "-".to_string())]);
}
