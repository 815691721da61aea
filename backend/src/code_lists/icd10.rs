//! The Vietnamese ICD-10 list of `backend/reference/icd10-vi.tsv` (not `data/`: that is the server's runtime folder, ignored by git), embedded in the binary and parsed
//! on first use. Searched by code prefix or by words of the name, accent-insensitive.

use std::sync::LazyLock;

use shared::code_list::{CodeEntry, CodeListQuery};
use shared::message::Message;
use shared::page::{Page, clamp_limit};
use shared::search::fold;

use crate::error::ApiError;
use crate::http::parse_cursor;

/// The data file: `#` comment lines (its source), then `CODE<TAB>NAME` in code order.
const SOURCE: &str = include_str!("../../reference/icd10-vi.tsv");

/// One code, with what the search compares.
#[derive(Debug)]
struct Entry {
    code: String,
    name: String,
    /// The code without its dot, upper case (`J189`).
    compact: String,
    /// The name folded (`viem phoi, khong dac hieu`).
    folded: String,
}

static LIST: LazyLock<Vec<Entry>> = LazyLock::new(|| parse(SOURCE));

fn parse(source: &str) -> Vec<Entry> {
    source
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once('\t'))
        .map(|(code, name)| Entry {
            code: code.trim().to_string(),
            name: name.trim().to_string(),
            compact: code.trim().replace('.', "").to_ascii_uppercase(),
            folded: fold(name),
        })
        .collect()
}

/// How many codes the list holds.
pub fn len() -> usize {
    LIST.len()
}

/// The entry of exactly this code (in any case, with or without the dot).
pub fn find(code: &str) -> Option<CodeEntry> {
    let compact = code.trim().replace('.', "").to_ascii_uppercase();
    LIST.iter()
        .find(|entry| entry.compact == compact)
        .map(|entry| CodeEntry {
            code: entry.code.clone(),
            name: entry.name.clone(),
        })
}

/// A page of the codes matching `query`, in code order. The cursor is the position of
/// the previous page's last code in the list, which never changes while a server runs.
pub fn search(query: &CodeListQuery) -> Result<Page<CodeEntry>, ApiError> {
    let text = query.q.as_deref().map(str::trim).unwrap_or_default();
    if text.chars().count() > 100 {
        return Err(ApiError::field("q", Message::SearchTextTooLong));
    }
    let after = parse_cursor(query.cursor.as_deref())?;
    let limit = usize::try_from(clamp_limit(query.limit)).unwrap_or(1);
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    // A single run of letters, digits and dots may be a code's beginning.
    let prefix = (!text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        .then(|| text.replace('.', "").to_ascii_uppercase());
    let start = after.map_or(0, |last| {
        usize::try_from(last).map_or(usize::MAX, |i| i + 1)
    });
    let mut items = Vec::with_capacity(limit + 1);
    let mut last = None;
    for (index, entry) in LIST.iter().enumerate().skip(start) {
        let by_code = prefix
            .as_deref()
            .is_some_and(|prefix| entry.compact.starts_with(prefix));
        let by_words = words.iter().all(|word| entry.folded.contains(word));
        if by_code || by_words {
            if items.len() == limit {
                return Ok(Page {
                    items,
                    next_cursor: last.map(|i: usize| i.to_string()),
                });
            }
            items.push(CodeEntry {
                code: entry.code.clone(),
                name: entry.name.clone(),
            });
            last = Some(index);
        }
    }
    Ok(Page {
        items,
        next_cursor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(page: &Page<CodeEntry>) -> Vec<&str> {
        page.items.iter().map(|e| e.code.as_str()).collect()
    }

    fn query(q: &str, limit: i64) -> CodeListQuery {
        CodeListQuery {
            q: Some(q.to_string()),
            limit: Some(limit),
            cursor: None,
        }
    }

    #[test]
    fn the_file_parses_whole_in_code_order_without_duplicates() {
        let data_lines = SOURCE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(LIST.len(), data_lines, "a line without a tab");
        for pair in LIST.windows(2) {
            assert!(
                pair[0].compact < pair[1].compact,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        for entry in LIST.iter() {
            assert!(
                shared::code_list::icd10_code(&entry.code).as_deref() == Some(&entry.code),
                "{}",
                entry.code
            );
            assert!(!entry.name.is_empty(), "{}", entry.code);
        }
        assert!(SOURCE.starts_with("# "), "the header names the source");
    }

    #[test]
    fn every_chapter_is_there_with_its_subcodes() {
        for letter in 'A'..='Z' {
            let (three, four) = LIST
                .iter()
                .filter(|entry| entry.code.starts_with(letter))
                .fold((0, 0), |(three, four), entry| {
                    if entry.code.len() == 3 {
                        (three + 1, four)
                    } else {
                        (three, four + 1)
                    }
                });
            assert!(
                three > 0 && four > 0,
                "{letter}: {three} categories, {four} subcodes"
            );
        }
        assert!(LIST.len() > 13_000, "{} codes", LIST.len());
    }

    #[test]
    fn well_known_codes_are_there() {
        for code in ["A09", "J06.9", "J18.9", "K74.6"] {
            assert!(find(code).is_some(), "{code}");
        }
        assert_eq!(find("j189").map(|e| e.code).as_deref(), Some("J18.9"));
    }

    #[test]
    fn words_match_without_accents_and_codes_by_prefix() -> Result<(), ApiError> {
        let pneumonia = search(&query("viem phoi", 200))?;
        assert!(codes(&pneumonia).contains(&"J18.9"), "{pneumonia:?}");
        let accented = search(&query("Viêm PHỔI", 200))?;
        assert_eq!(codes(&pneumonia), codes(&accented));
        let prefix = search(&query("j18", 200))?;
        assert!(codes(&prefix).iter().all(|c| c.starts_with("J18")));
        assert!(codes(&prefix).contains(&"J18.9"));
        let nothing = search(&query("khong co benh nay xyz", 10))?;
        assert!(nothing.items.is_empty());
        Ok(())
    }

    #[test]
    fn pages_follow_the_cursor_without_gaps() -> Result<(), ApiError> {
        let whole = search(&query("", 200))?;
        let first = search(&query("", 3))?;
        assert_eq!(codes(&first), codes(&whole)[..3].to_vec());
        let next = search(&CodeListQuery {
            cursor: first.next_cursor.clone(),
            ..query("", 3)
        })?;
        assert_eq!(codes(&next), codes(&whole)[3..6].to_vec());
        assert!(search(&query(&"a".repeat(101), 3)).is_err());
        Ok(())
    }
}
