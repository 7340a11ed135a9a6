//! Stage 2: lay the article out in paragraphs and tell the story from the page furniture.
//!
//! Web dumps carry menus, "Read more" blocks, related-story teasers, sidebars, captions and
//! share buttons. Their lines may hold quotation marks ("Also on ‘The Americans aren’t listening
//! to us,’ Russia says…"), so they are marked here as [`Role::Furniture`] and the later stages
//! never attribute a quote found in them. The article's headline gets [`Role::Headline`]: quotes
//! there are attributed only by headline patterns ("… 'Encouraging' … - Lavrov").

/// What a paragraph is, on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The headline (and any repeat of it further down the page).
    Headline,
    /// Running text of the article.
    Body,
    /// Page furniture: menus, teasers, captions, "Read more" blocks, share prompts.
    Furniture,
}

/// A paragraph: a line of the text, or several lines joined where the text was hard-wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of the first non-blank character in the article text.
    pub start: usize,
    /// Byte offset just past the last non-blank character.
    pub end: usize,
    pub role: Role,
}

/// Lines starting with one of these (case-insensitive) are furniture, whatever follows.
const FURNITURE_PREFIXES: &[&str] = &[
    "also on ", "also read", "read more", "read also", "more:", "related:", "see also", "editor's choice",
    "editor’s choice", "think your pals", "share this", "image:", "photo:", "photograph:", "picture:",
    "click here", "published:", "updated:", "updated at", "©", "all rights reserved", "watch:", "listen:",
    "[video", "(video", "video:", "followed unfollow", "editor's note", "editor’s note", "tags:", "share on ",
    "we use cookies", "this website uses cookies", "follow us on",
];

/// Lines starting with one of these are furniture only when short and free of quote marks
/// (`Language` is a menu item; `Language used by Blinken was "unacceptable," Lavrov said.` is not).
const SHORT_FURNITURE_PREFIXES: &[&str] = &[
    "related stories", "related articles", "related coverage", "related content", "top content", "before you go",
    "explore more", "recommended", "most read", "most popular", "trending", "advertisement", "subscribe",
    "sign up", "copyright", "newsletter", "all news", "language", "date ", "sign in", "log in",
    "leave a comment", "print this", "email this", "get the latest", "for the latest",
];

/// A line that is exactly one of these headings opens a block of teasers that runs to the next
/// paragraph of running text.
const SECTION_HEADINGS: &[&str] = &[
    "read more", "read more:", "also read", "also read:", "related", "related:", "related stories",
    "related articles", "editor's choice", "editor’s choice", "top content", "before you go",
    "explore more", "more from", "more stories", "recommended", "most read", "most popular",
    "trending", "you may also like", "see also",
];

/// Splits `text` into paragraphs and gives each its role. `has_title` says the input gave a
/// separate headline (JSON / CSV `title`), so the text itself has none to find.
pub fn layout(text: &str, has_title: bool) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = lines(text).map(|(start, end)| Paragraph { start, end, role: Role::Body }).collect();
    join_hard_wrapped(text, &mut paragraphs);

    let mut in_teaser_block = false;
    for p in paragraphs.iter_mut() {
        let line = &text[p.start..p.end];
        let lower = line.to_lowercase();
        let heading = lower.trim_end_matches([':', '.', ' ']);
        if SECTION_HEADINGS.contains(&heading) || SECTION_HEADINGS.contains(&lower.as_str()) {
            in_teaser_block = true;
            p.role = Role::Furniture;
            continue;
        }
        if in_teaser_block && is_running_text(line) {
            in_teaser_block = false;
        }
        if in_teaser_block || is_furniture_line(line, &lower) {
            p.role = Role::Furniture;
        }
    }
    if !has_title {
        mark_headline(text, &mut paragraphs);
    }
    paragraphs
}

/// Non-blank lines of `text` as trimmed byte ranges.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        (!trimmed.is_empty()).then(|| (start + lead, start + lead + trimmed.len()))
    })
}

/// Joins lines of hard-wrapped text (a line that stops mid-sentence, followed directly by a line
/// that starts in lower case) into one paragraph.
fn join_hard_wrapped(text: &str, paragraphs: &mut Vec<Paragraph>) {
    let mut joined: Vec<Paragraph> = Vec::with_capacity(paragraphs.len());
    for p in paragraphs.drain(..) {
        if let Some(last) = joined.last_mut() {
            let gap = &text[last.end..p.start];
            let prev_end = text[last.start..last.end].chars().next_back().unwrap_or('.');
            let next_start = text[p.start..p.end].chars().next().unwrap_or('A');
            let single_newline = gap.matches('\n').count() == 1;
            if single_newline && (prev_end.is_alphanumeric() || prev_end == ',') && next_start.is_lowercase() {
                last.end = p.end;
                continue;
            }
        }
        joined.push(p);
    }
    *paragraphs = joined;
}

/// Running text: a line that ends a sentence (teaser headlines do not), or long prose.
fn is_running_text(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let ends_sentence = line.trim_end_matches(['"', '”', '’', '\'', ')']).ends_with(['.', '!', '?']);
    (ends_sentence && words >= 3) || words >= 40
}

fn is_furniture_line(line: &str, lower: &str) -> bool {
    if FURNITURE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let short = line.split_whitespace().count() <= 16 && !line.contains(['"', '“', '”', '«', '‘']);
    if short && SHORT_FURNITURE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if lower.starts_with("follow ") && line.split_whitespace().count() <= 12 {
        return true;
    }
    is_doubled(line)
}

/// Sidebars often render each teaser twice on one line: "Headline text Headline text".
fn is_doubled(line: &str) -> bool {
    let len = line.len();
    if len < 20 {
        return false;
    }
    // Try the split points near the middle (the two copies may differ by a trailing space).
    let mid = len / 2;
    (mid.saturating_sub(2)..=(mid + 2).min(len)).any(|cut| {
        line.is_char_boundary(cut) && {
            let (a, b) = line.split_at(cut);
            let (a, b) = (a.trim(), b.trim());
            !a.is_empty() && a == b
        }
    })
}

/// Marks the headline: among the first few non-furniture lines, the first one that reads like a
/// title (one sentence, short, no closing period or mostly capitalised words). Later lines with
/// the same text (pages often repeat the headline) are marked too.
fn mark_headline(text: &str, paragraphs: &mut [Paragraph]) {
    let candidate = paragraphs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == Role::Body)
        .take(4)
        .find(|(_, p)| looks_like_headline(&text[p.start..p.end]))
        .map(|(i, _)| i);
    let Some(index) = candidate else { return };
    // A headline heads something.
    if paragraphs.iter().filter(|p| p.role == Role::Body).count() < 2 {
        return;
    }
    // A headline comes before the running text: skip if running text precedes it.
    if paragraphs[..index].iter().any(|p| p.role == Role::Body && is_running_text(&text[p.start..p.end])) {
        return;
    }
    let headline = text[paragraphs[index].start..paragraphs[index].end].to_string();
    for p in paragraphs.iter_mut() {
        if text[p.start..p.end] == headline {
            p.role = Role::Headline;
        }
    }
}

fn looks_like_headline(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() < 3 || words.len() > 30 || line.len() > 250 {
        return false;
    }
    // More than one sentence reads as running text.
    if crate::split::split(line, 0, line.len()).len() > 1 {
        return false;
    }
    let bare = line.trim_end_matches(['"', '”', '’', '\'', ')']);
    let ends_with_period = bare.ends_with('.') && !bare.ends_with("..");
    // A title ending in a period must be in title case (`Obama Sees 'Personal Insult' if …`),
    // or it is a sentence (`Maria Zakharova said: "…"`). Short words (of, the, if) do not count.
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4).collect();
    let capitalised = long.iter().filter(|w| w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)).count();
    !ends_with_period || capitalised * 10 >= long.len() * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(Role, &str)> {
        layout(text, false).iter().map(|p| (p.role, &text[p.start..p.end])).collect()
    }

    #[test]
    fn teaser_lines_from_seed_002_are_furniture() {
        let text = "Strained relations between US & Russia may quickly be on mend, Moscow says\n\n\
            “At the same time, we took stock of problematic issues,” she advised the Zvezda information channel.\n\n\
            Also on ‘The Americans aren’t listening to us,’ Russia says as main Moscow talks break down\n\n\
            Think your pals would have an interest? Share this story!";
        let r = roles(text);
        assert_eq!(r[0].0, Role::Headline);
        assert_eq!(r[1].0, Role::Body);
        assert_eq!(r[2].0, Role::Furniture);
        assert_eq!(r[3].0, Role::Furniture);
    }

    #[test]
    fn read_more_block_and_doubled_sidebar_lines_are_furniture() {
        let text = "The diplomacy comes amid tensions on multiple fronts between the two nations, but Putin has welcomed it.\n\n\
            Read more:\n\nBiden pressed Putin in call to act on ransomware attacks: White House\n\n\
            IRGC member winning medal in Tokyo Olympics a ‘catastrophe’: Iranian activists IRGC member winning medal in Tokyo Olympics a ‘catastrophe’: Iranian activists";
        let r = roles(text);
        assert_eq!(r[0].0, Role::Body);
        assert!(r[1..].iter().all(|(role, _)| *role == Role::Furniture), "{r:?}");
    }

    #[test]
    fn menu_words_starting_real_sentences_are_not_furniture() {
        let text = "Lavrov speaks on Ukraine\n\nLanguage used by Blinken was \"unacceptable and rude,\" Sergey Lavrov told reporters on Monday.\n\nRelated:\n\nBlinken visits Kyiv\n\n\"We are ready,\" Lavrov said.";
        let r = roles(text);
        assert_eq!(r[1].0, Role::Body);
        assert_eq!((r[2].0, r[3].0), (Role::Furniture, Role::Furniture));
        assert_eq!(r[4].0, Role::Body, "a sentence ends the teaser block");
    }

    #[test]
    fn repeated_headline_is_headline_and_long_first_paragraph_is_not() {
        let text = " date 2021-07-27 .\n.\nLanguage\n\nMoscow hopes US ‘serious’ in seeking dialogue in new talks this week\n\n\
            Caption (Reuters)\n\nMoscow hopes US ‘serious’ in seeking dialogue in new talks this week\n";
        let r = roles(text);
        let headlines: Vec<_> = r.iter().filter(|(role, _)| *role == Role::Headline).collect();
        assert_eq!(headlines.len(), 2, "{r:?}");
        let body = "Vassily Nebenzia, Russia's permanent representative to the United Nations, on Friday, 29 October, asserted that the dialogue between Russia and the United States have resumed, however, the issues are \"complex\". Addressing a press briefing, he said so.";
        assert_eq!(roles(body)[0].0, Role::Body);
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "The minister said the talks were\ngoing well and would continue.\nNext paragraph here.";
        let p = layout(text, true);
        assert_eq!(p.len(), 2);
        assert_eq!(&text[p[0].start..p[0].end], "The minister said the talks were\ngoing well and would continue.");
    }
}
