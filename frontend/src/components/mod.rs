//! Pieces of interface used by several pages.

pub mod copy;
pub mod dialog;
pub mod download;
pub mod error;
pub mod field_errors;
pub mod filters;
pub mod form;
pub mod layout;
pub mod list;
pub mod loading;
pub mod module;
pub mod record;

pub use copy::CopyField;
pub use dialog::{ActionBar, ActionDialog, ConfirmButton};
pub use download::DownloadButton;
pub use error::{ProblemView, loaded};
pub use field_errors::FieldErrors;
pub use layout::{Shell, StandaloneTop};
pub use list::{NoResults, Pager, enum_options, specialty_options};
pub use loading::Loading;
pub use module::{ModuleHeader, TabLink};
pub use record::{Fact, InvalidId, StateBadge, use_id_param};

#[cfg(test)]
mod stylesheet {
    /// Two merges each lost a closing brace in `style.css`: the browser then nested every
    /// later rule inside the unclosed one, and the pages after it lost their layout.
    #[test]
    fn every_block_of_the_stylesheet_is_closed() {
        let css = include_str!("../../style.css");
        let mut depth = 0usize;
        let mut rest = css;
        while let Some(at) = rest.find(['{', '}', '/']) {
            let (c, after) = (rest.as_bytes()[at], &rest[at + 1..]);
            rest = match c {
                b'{' => {
                    depth += 1;
                    after
                }
                b'}' => {
                    assert!(
                        depth > 0,
                        "a '}}' closes nothing before: {}",
                        &after[..after.len().min(60)]
                    );
                    depth -= 1;
                    after
                }
                _ if after.starts_with('*') => after.find("*/").map_or("", |end| &after[end + 2..]),
                _ => after,
            };
        }
        assert_eq!(depth, 0, "blocks left open at the end of style.css");
    }
}
