//! Control characters in text fields. A single-line field (a name, a title, a code)
//! holds no control character at all: a CR or LF in a name breaks the lines of the
//! documents it is written into (iCalendar feeds, CSV and DOCX exports, logs). A
//! multi-line field (a note, a summary) keeps line breaks and tabs and refuses the
//! rest. The rules run in the SPA and the API alike, through `validator`.

use validator::ValidationError;

use crate::validation::not_blank;

/// Code of the error [`single_line`] reports.
pub const CONTROL_CHARACTERS: &str = "control_characters";
/// Code of the error [`multi_line`] reports.
pub const CONTROL_CHARACTERS_MULTI_LINE: &str = "control_characters_multi_line";

/// Whether `c` is a control character (C0, DEL or C1).
fn is_control(c: char) -> bool {
    c.is_control()
}

/// Refuses every control character (CR, LF, tab, the other C0 and C1 characters).
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(is_control) {
        Err(ValidationError::new(CONTROL_CHARACTERS))
    } else {
        Ok(())
    }
}

/// [`single_line`] and not blank: a required name or title.
pub fn single_line_not_blank(value: &str) -> Result<(), ValidationError> {
    not_blank(value)?;
    single_line(value)
}

/// Refuses control characters other than line breaks (LF, CR) and tabs.
pub fn multi_line(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| is_control(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(ValidationError::new(CONTROL_CHARACTERS_MULTI_LINE))
    } else {
        Ok(())
    }
}

/// [`multi_line`] and not blank: a required note or reason.
pub fn multi_line_not_blank(value: &str) -> Result<(), ValidationError> {
    not_blank(value)?;
    multi_line(value)
}

/// Each item of a list of single-line texts passes [`single_line`].
pub fn single_lines(values: &[String]) -> Result<(), ValidationError> {
    values.iter().try_for_each(|value| single_line(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_fields_refuse_every_control_character() {
        assert!(single_line("Trạm Y tế An Phú").is_ok());
        assert!(single_line("").is_ok());
        for bad in [
            "a\nb", "a\rb", "a\tb", "a\u{0}b", "a\u{1b}b", "a\u{7f}b", "a\u{85}b", "a\u{9f}b",
        ] {
            let error = single_line(bad).err();
            assert_eq!(
                error.map(|e| e.code.to_string()).as_deref(),
                Some(CONTROL_CHARACTERS),
                "{bad:?}"
            );
        }
        assert!(single_line_not_blank("  ").is_err());
        assert!(single_line_not_blank("Lê Văn A\r\n").is_err());
        assert!(single_lines(&["a".into(), "b\n".into()]).is_err());
    }

    #[test]
    fn multi_line_fields_keep_line_breaks_and_tabs() {
        assert!(multi_line("dòng 1\ndòng 2\r\n\tthụt lề").is_ok());
        assert!(multi_line("a\u{0}b").is_err());
        assert!(multi_line("a\u{1b}[31mb").is_err());
        assert!(multi_line("a\u{85}b").is_err());
    }
}
