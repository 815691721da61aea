//! Accent-insensitive search: the one fold that both the stored search columns and the
//! typed query go through, so "tran thi hoa" finds "Trần Thị Hoa" on SQLite and
//! PostgreSQL alike without a database extension.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` for searching: canonical decomposition (NFD), combining marks
/// dropped, `đ`/`Đ` as `d` (a letter of its own, not a marked `d`, so NFD keeps it),
/// lowercase, and runs of whitespace as one space, trimmed.
///
/// A folded copy carries what its source carries: a folded patient name is
/// clinical data like the name.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folds several fields into one search text, one line each, so a stored column
/// can serve a query over any of them.
pub fn fold_fields<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    fields.into_iter().map(fold).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_marks_and_d_are_folded() {
        assert_eq!(fold("Trần Thị Hoa"), "tran thi hoa");
        assert_eq!(fold("ĐỖ ĐỨC ĐẠT"), "do duc dat");
        assert_eq!(
            fold("Viêm phổi, không đặc hiệu"),
            "viem phoi, khong dac hieu"
        );
        assert_eq!(fold("Nguyễn Văn Ước"), "nguyen van uoc");
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_alike() {
        let composed = "Phạm Thị Hằng";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(&decomposed));
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(fold("  Lê \t  Văn\nTám "), "le van tam");
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn codes_and_punctuation_are_kept() {
        assert_eq!(fold("J18.9"), "j18.9");
        assert_eq!(fold("TYT-01 %_"), "tyt-01 %_");
    }

    #[test]
    fn fields_are_one_line_each() {
        assert_eq!(fold_fields(["TYT01", "Trạm Y tế"]), "tyt01\ntram y te");
    }
}
