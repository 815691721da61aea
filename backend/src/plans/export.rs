//! Placeholder until the export module lands (replaced in this same change).

use shared::plan::{Plan, PlanReport};

/// Export failure.
#[derive(Debug)]
pub struct ExportError(String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The report as XLSX.
pub fn report_xlsx(_report: &PlanReport) -> Result<Vec<u8>, ExportError> {
    Err(ExportError("not yet".into()))
}

/// The plan as DOCX.
pub fn plan_docx(_plan: &Plan) -> Result<Vec<u8>, ExportError> {
    Err(ExportError("not yet".into()))
}
