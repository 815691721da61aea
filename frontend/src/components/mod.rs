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
