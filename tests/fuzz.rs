//! Property tests (proptest; `cargo fuzz` needs nightly) on the reader and the quote finder,
//! with a corpus of hostile inputs kept in the repository (`tests/data/fuzz/`). Failures that
//! proptest finds are kept in `tests/fuzz.proptest-regressions` and replayed first.
//!
//! Properties: the reader never panics, reports every bad record with the file's name (and a
//! line within the file where it names one), and yields only articles with text; the quote
//! finder never panics and yields quotes on character boundaries, inside their paragraph, in
//! order; the whole text pipeline never panics and its offsets and contexts stay in bounds.

use proptest::prelude::*;
use quotestance::clean::layout;
use quotestance::pipeline::analyze;
use quotestance::quote::find_quotes;
use quotestance::read::{format_of, read_file, Format, InputFile, ReadOptions};
use quotestance::roster::Roster;
use std::io::{BufRead, Cursor};
use std::path::{Path, PathBuf};

fn roster() -> Roster {
    Roster::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/roster.toml")).unwrap()
}

fn read_all(name: &str, format: Format, bytes: &[u8], options: &ReadOptions) {
    let input = InputFile { path: Some(PathBuf::from(name)), format: Some(format), gzip: false, stream: false };
    let reader: Box<dyn BufRead + Send> = Box::new(Cursor::new(bytes.to_vec()));
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    read_file(&input, reader, options, &mut |item| match item {
        Ok(article) => {
            assert!(!article.text.trim().is_empty(), "an article without text from {name}");
            assert!(article.text.len() <= options.max_article_bytes, "an article over the cap");
        }
        Err(e) => {
            assert_eq!(e.path, name);
            if let Some(line) = e.line {
                assert!((1..=lines).contains(&line), "line {line} of {lines} in {e}");
            }
        }
    });
}

fn check_quotes(text: &str) {
    for has_title in [false, true] {
        let paragraphs = layout(text, has_title);
        let quotes = find_quotes(text, &paragraphs);
        for q in &quotes {
            let p = &paragraphs[q.paragraph];
            assert!(q.open <= q.start && q.start <= q.end && q.end <= q.close, "{q:?}");
            assert!(p.start <= q.open && q.close <= p.end, "{q:?} outside {p:?}");
            for at in [q.open, q.start, q.end, q.close] {
                assert!(text.is_char_boundary(at), "{at} not on a character boundary");
            }
        }
        for pair in quotes.windows(2) {
            assert!(pair[0].paragraph <= pair[1].paragraph, "quotes out of paragraph order");
        }
    }
}

fn check_pipeline(text: &str, roster: &Roster) {
    let chars = text.chars().count();
    for title in [None, Some("“Yes,” Lavrov says - Lavrov".to_string())] {
        let article = quotestance::read::Article { id: "f".into(), text: text.to_string(), title, source: "fuzz".into(), ..Default::default() };
        for row in analyze(&article, roster) {
            if let (Some(s), Some(e)) = (row.start, row.end) {
                assert!(s <= e && e <= chars, "offsets {s}..{e} of {chars}");
            }
            assert!(row.context.chars().count() <= 1100, "context of {} characters", row.context.chars().count());
        }
    }
}

/// Text made mostly of the characters that matter to the quote finder and the splitter.
fn quotey_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()), Just("'".to_string()), Just("“".to_string()), Just("”".to_string()), Just("‘".to_string()),
        Just("’".to_string()), Just("«".to_string()), Just("»".to_string()), Just("„".to_string()), Just(" ".to_string()),
        Just("\n".to_string()), Just("\n\n".to_string()), Just(". ".to_string()), Just(", ".to_string()), Just(": ".to_string()),
        Just("said".to_string()), Just("Lavrov".to_string()), Just("he".to_string()), Just("Maria Zakharova".to_string()),
        Just("according to".to_string()), Just("—".to_string()), Just("Also on ".to_string()), Just("U.S.".to_string()),
        "[a-zA-Z]{1,8}", "\\PC{1,3}",
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

fn json_lines() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        quotey_text().prop_map(|t| serde_json::json!({"id": "x", "text": t}).to_string()),
        quotey_text().prop_map(|t| serde_json::json!({"text": t, "title": t, "date": 5}).to_string()),
        Just("[".to_string()), Just("{".to_string()), Just("]".to_string()), Just("{\"text\": ".to_string()),
        Just("".to_string()), Just("null".to_string()), "\\PC{0,20}",
    ];
    proptest::collection::vec(line, 0..12).prop_map(|v| v.join("\n").into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400), cap in 1usize..300) {
        let options = ReadOptions { max_article_bytes: cap, ..ReadOptions::default() };
        for (name, format) in [("f.txt", Format::Text), ("f.jsonl", Format::JsonLines), ("f.json", Format::Json), ("f.csv", Format::Csv)] {
            read_all(name, format, &bytes, &options);
        }
    }

    #[test]
    fn reader_never_panics_on_json_like_input(bytes in json_lines(), cap in 8usize..2000) {
        let options = ReadOptions { max_article_bytes: cap, ..ReadOptions::default() };
        for (name, format) in [("f.jsonl", Format::JsonLines), ("f.json", Format::Json)] {
            read_all(name, format, &bytes, &options);
        }
        let mut array = b"[".to_vec();
        array.extend(bytes.split(|&b| b == b'\n').collect::<Vec<_>>().join(&b","[..]));
        array.push(b']');
        read_all("a.json", Format::Json, &array, &options);
    }

    #[test]
    fn quote_finder_keeps_its_offsets_in_bounds(text in quotey_text()) {
        check_quotes(&text);
    }

    #[test]
    fn pipeline_never_panics(text in quotey_text()) {
        check_pipeline(&text, &roster());
    }
}

/// Every file of the corpus through the reader (by its extension, and as every format), the
/// quote finder and the pipeline.
#[test]
fn corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let roster = roster();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for cap in [64, 1 << 20] {
            let options = ReadOptions { max_article_bytes: cap, ..ReadOptions::default() };
            if let Some((format, _)) = format_of(Path::new(&name)) {
                read_all(&name, format, &bytes, &options);
            }
            for format in [Format::Text, Format::JsonLines, Format::Json, Format::Csv] {
                read_all(&name, format, &bytes, &options);
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        check_quotes(&text);
        check_pipeline(&text, &roster);
        n += 1;
    }
    assert!(n >= 8, "corpus of {n} files");
}
