//! Import and export of the registry as spreadsheets (XLSX and CSV in UTF-8):
//! templates, a dry-run preview of every row, an all-or-nothing commit matched by
//! natural keys, and exports in the same columns so an export imports back unchanged.
//!
//! The commit takes the same file again rather than a token pointing at rows kept
//! server-side: nothing to store, expire or share between servers, and the preview's
//! SHA-256 (sent back as `sha256`) makes sure the file committed is the file previewed.
//! The rows are diffed again inside the write transaction, so a record changed since
//! the preview is never overwritten from a stale diff.

pub mod export;
pub mod read;
pub mod repo;
pub mod routes;
pub mod service;
