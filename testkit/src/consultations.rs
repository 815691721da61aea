//! Remote consultations (hội chẩn từ xa): sessions and the cases put to them.

use shared::consultation::{
    CaseInput, CaseSummary, ConsultationCase, ConsultationSession, SessionInput,
};

use crate::{Client, Resource};

impl Client {
    /// Consultation sessions (`create` answers `SessionsCreated`: use `create_as`).
    pub fn consultation_sessions(&self) -> Resource<'_, ConsultationSession, SessionInput> {
        Resource::new(self, "consultation-sessions")
    }

    /// Cases put to consultation sessions.
    pub fn consultation_cases(&self) -> Resource<'_, ConsultationCase, CaseInput, CaseSummary> {
        Resource::new(self, "consultation-cases")
    }
}
