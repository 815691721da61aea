//! Reading a form's typed text into a request body: what cannot be read (a day, a
//! number, a choice left open) is said at its field, and the body's own `Validate`
//! rules add theirs, so that a form lists its problems as the person types.

use std::str::FromStr;

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::Lang;
use validator::Validate;

use super::{FieldMessages, rule_messages};
use crate::contexts::LangContext;
use crate::i18n::{Key, t};

/// What a form's fields could not read, by field path, in the reader's language.
pub struct Unreadable {
    /// The messages so far.
    pub messages: FieldMessages,
    lang: Lang,
}

impl Unreadable {
    /// Nothing unreadable yet.
    pub fn new(lang: Lang) -> Self {
        Unreadable {
            messages: FieldMessages::new(),
            lang,
        }
    }

    /// Says `key` at `path`.
    pub fn say(&mut self, path: &str, key: Key) {
        self.messages
            .entry(path.to_string())
            .or_default()
            .push(t(self.lang, key).to_string());
    }

    /// The day typed at `path` (`YYYY-MM-DD`, as date inputs give it); none when blank.
    pub fn optional_date(&mut self, path: &str, text: &str) -> Option<NaiveDate> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        self.date(path, text)
    }

    /// The day typed at `path`, which must be there.
    pub fn date(&mut self, path: &str, text: &str) -> Option<NaiveDate> {
        let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if date.is_none() {
            self.say(path, Key::DateRequired);
        }
        date
    }

    /// The figure typed at `path`, with a decimal comma or point; none when blank.
    pub fn optional_figure(&mut self, path: &str, text: &str) -> Option<f64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let value = text.replace(',', ".").parse::<f64>().ok();
        if value.is_none() {
            self.say(path, Key::NotANumber);
        }
        value
    }

    /// The code chosen at `path` (a select's value), which must be one.
    pub fn choice<T: FromStr>(&mut self, path: &str, code: &str) -> Option<T> {
        let value = code.parse::<T>().ok();
        if value.is_none() {
            self.say(path, Key::ChoiceRequired);
        }
        value
    }
}

/// The problems of a form whose fields make `input` (a body and what could not be read):
/// the unreadable first, then what the body's shared rules find, one list per field
/// (a day that cannot be read is not said again as out of order) (tracked).
pub fn input_problems<I: Validate + 'static>(
    lang: LangContext,
    input: impl Fn() -> (I, FieldMessages) + Send + Sync + 'static,
) -> Memo<FieldMessages> {
    Memo::new(move |_| {
        let (input, mut messages) = input();
        for (path, list) in rule_messages(input.validate(), lang.get()) {
            messages.entry(path).or_insert(list);
        }
        messages
    })
}
