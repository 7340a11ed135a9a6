//! Spreadsheet safety of text cells, in one place.
//!
//! A spreadsheet evaluates a cell as a formula when it starts with `=`, `+`, `-` or `@`, also
//! after leading characters it skips (spaces, tabs, line breaks, no-break and zero-width spaces,
//! a byte-order mark) and in the full-width forms `＝ ＋ － ＠` that Excel folds to ASCII. Such a
//! cell is written with a leading apostrophe `'`, which Excel, LibreOffice and Google Sheets show
//! as text. A cell that starts with a tab or carriage return is treated the same way (some
//! importers strip them and then read what follows). Every text column goes through
//! [`neutralise`]; numbers never do.

use std::borrow::Cow;

/// Characters a spreadsheet may skip before the first character it looks at.
fn skipped(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that start a formula, in ASCII and full width.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
}

/// Whether a spreadsheet could read `cell` as a formula.
pub fn is_dangerous(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r', '\n']) {
        return true;
    }
    cell.chars().find(|&c| !skipped(c)).is_some_and(formula_start)
}

/// The cell as written: with a leading `'` when a spreadsheet could read it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_dangerous(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        for cell in ["=HYPERLINK(\"x\")", "-1 point", "+7", "@user", "\tx", "\r=1", " =1+1", "\u{200B}=1", "\u{FEFF}@SUM(A1)", "\u{00A0}-2", "＝1+1", "＋1", "－1", "＠x", "--11-02"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_text_is_left_alone() {
        for cell in ["plain", "x;=2+5", "It's -5 now", "", "   ", "2021-07-27", "'quoted"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }
}
