//! Files for people outside the app: the periodic report to the Department of Health
//! as an Excel workbook ([`report_xlsx`]) and the plan itself as a Word document in the
//! official Vietnamese administrative layout ([`plan_docx`], after Decree 30/2020/NĐ-CP
//! and the Thuận An plan of seed 004).
//!
//! Both functions are pure: they take the API types the handlers already load and return
//! the file's bytes, so a handler only sets the content type and the file name, and the
//! layout is tested without a database or a server.

mod docx;
#[cfg(test)]
mod fixture;
mod xlsx;

pub use docx::{document_paragraphs, plan_docx};
pub use xlsx::report_xlsx;

/// Why an export could not be written. The handlers answer it with a 500: nothing the
/// caller sent can cause it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook could not be built (a cell beyond Excel's limits, a string longer
    /// than a cell holds).
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The Word document could not be packed.
    #[error("could not write the document: {0}")]
    Docx(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Font of administrative documents (Decree 30/2020/NĐ-CP), and of the workbook so
/// that it prints like them.
const FONT: &str = "Times New Roman";
