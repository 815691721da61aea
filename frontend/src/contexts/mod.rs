//! State shared across the app, provided once at the root and read with `use_*`.

pub mod lang;
pub mod session;
pub(crate) mod storage;

pub use lang::{LangContext, provide_lang, use_lang};
pub use session::{Session, provide_session, use_capability, use_session};
