//! Document structures the ranker cannot see (speaker labels, interviews, lists of remarks,
//! headlines and sub-headings, agency frames, `as X calls it`), on short texts written for them.

use crate::pipeline::analyze;
use crate::read::Article;
use crate::record::QuoteRow;
use crate::roster::Roster;

fn rows(text: &str, title: Option<&str>) -> Vec<QuoteRow> {
    let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
    let article = Article { id: "t".into(), text: text.into(), source: "t".into(), title: Some(title.unwrap_or("").into()), date: Some("2021-06-01".into()), ..Article::default() };
    analyze(&article, &roster)
}

/// (quote start, speaker or "-") for each quotation.
fn speakers(text: &str) -> Vec<(String, String)> {
    rows(text, None).into_iter().map(|r| (r.quote.chars().take(12).collect(), r.speaker.unwrap_or_else(|| "-".into()))).collect()
}

fn who(text: &str) -> Vec<String> {
    speakers(text).into_iter().map(|(_, s)| s).collect()
}

#[test]
fn speaker_labels_in_a_transcript() {
    let text = "Sergey Lavrov answered questions from journalists in Moscow.\n\nQ: Washington calls the sanctions “a warning.” What is your answer?\n\nLAVROV: It is “a dead end,” and we will not bow to it.\n\nQ: Is it “a new cold war”?\n\nLAVROV: “Useful” is the word I would use.\n\nI said “no” to them before.";
    // The question's quote with a cue of its own is its speaker's (Washington); one without is
    // nobody's, never the answering minister's; an unlabelled paragraph goes on with the turn.
    assert_eq!(who(text), vec!["Washington", "Sergey Lavrov", "-", "Sergey Lavrov", "Sergey Lavrov"]);
}

#[test]
fn interview_answers_belong_to_the_interviewee() {
    let text = "Maria Zakharova gave an interview to the Zvezda channel.\n\nQuestion: Some call the summit “a failure.” Do you agree?\n\nAnswer: No. It was “a first step,” nothing more.\n\nQuestion: What next?\n\nAnswer: “We will wait and see.”";
    assert_eq!(who(text), vec!["-", "Maria Zakharova", "Maria Zakharova"]);
}

#[test]
fn a_list_of_remarks_under_topic_headings() {
    let text = "Sergey Lavrov spoke to reporters on Monday. Here are his comments:\n\nOn Ukraine\n\n“We are ready to talk, but not under pressure.”\n\nOn sanctions\n\n“They have never worked and will not work now.”\n\nOn the summit\n\n“It is too early to say.”\n\nThe ministry later published a transcript.";
    assert_eq!(who(text), vec!["Sergey Lavrov", "Sergey Lavrov", "Sergey Lavrov"]);
    let named = "Here are Maria Zakharova's comments:\n\nON NATO:\n\n“The alliance is expanding.”\n\nON THE TALKS:\n\n“There is no progress.”";
    assert_eq!(who(named), vec!["Maria Zakharova", "Maria Zakharova"]);
}

#[test]
fn headlines_and_sub_headings() {
    let r = rows("Sergey Lavrov spoke on Monday.", Some("'We are ready for talks' -- Lavrov"));
    assert_eq!(r[0].speaker.as_deref(), Some("Sergey Lavrov"));
    let r = rows("Sergey Lavrov spoke on Monday.", Some("Lavrov calls US sanctions 'a dead end'"));
    assert_eq!(r[0].speaker.as_deref(), Some("Sergey Lavrov"));
    let r = rows("Sergey Lavrov spoke on Monday.", Some("Lavrov: 'The West is not listening'"));
    assert_eq!(r[0].speaker.as_deref(), Some("Sergey Lavrov"));
    // A sub-heading inside the text.
    let text = "Sergey Lavrov spoke in Moscow on Monday about the talks.\n\nLavrov: ‘The West is not listening’\n\nThe minister said the talks would go on.";
    assert_eq!(who(text), vec!["Sergey Lavrov"]);
    let text = "Sergey Lavrov spoke in Moscow on Monday about the talks.\n\n‘The West is not listening’ -- Lavrov\n\nThe minister said the talks would go on.";
    assert_eq!(who(text), vec!["Sergey Lavrov"]);
}

#[test]
fn agency_frames_credit_the_speaker_not_the_agency() {
    assert_eq!(who("Sergey Lavrov said on Monday the talks were “useful,” TASS reported."), vec!["Sergey Lavrov"]);
    assert_eq!(who("“The talks were useful,” Sergey Lavrov said on Monday, TASS reported."), vec!["Sergey Lavrov"]);
    assert_eq!(who("Sergey Lavrov said on Monday that the talks were “useful,” RIA Novosti reported."), vec!["Sergey Lavrov"]);
    assert_eq!(who("The talks were “useful,” TASS reported, citing Sergey Lavrov."), vec!["Sergey Lavrov"]);
    // The agency's own words stay the agency's.
    assert_eq!(who("“The talks ended late,” TASS reported."), vec!["TASS"]);
}

#[test]
fn as_x_calls_it() {
    assert_eq!(who("Sergey Lavrov arrived. The West defends its “rules-based order,” as Lavrov calls it, at any cost."), vec!["Sergey Lavrov"]);
    assert_eq!(who("Sergey Lavrov arrived. He attacked what he calls the “rules-based order” of the West."), vec!["Sergey Lavrov"]);
}
