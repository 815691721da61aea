//! Consultations (hội chẩn / tư vấn khám, chữa bệnh từ xa): the sessions a consulting
//! facility holds (periodic, online with a meeting link or in person at a station), the
//! case requests a station sends about a patient, their conclusion and the outcome the
//! station reports back; the case state machine and the API types of
//! `/consultation-sessions` and `/consultation-cases`.
//!
//! A case's conclusion is one of three: `manage_locally` (the station keeps the patient:
//! a referral avoided), `refer` (the server opens a referral draft at the station,
//! pre-filled from the case) or `more_tests`.
//!
//! ## The case state machine
//!
//! | status | the requesting facility may | the consulting facility may | final |
//! | --- | --- | --- | --- |
//! | `requested` | cancel → `cancelled` | schedule → `scheduled`, conclude → `concluded` | no |
//! | `scheduled` | cancel → `cancelled` | schedule (move) → `scheduled`, conclude → `concluded` | no |
//! | `concluded` | outcome → `closed` | — | no |
//! | `closed`, `cancelled` | — | — | yes |
//!
//! - A case may be concluded without a session: a request answered remotely, in writing.
//! - Scheduling needs a clinical role or the planning office (which publishes the
//!   consultation calendar); everything else needs a clinical role
//!   ([`role_handles_consultations`]). Integration clients only read.
//! - The patient and the clinical text are seen only by the two facilities and admins
//!   ([`may_see_patient`]).

pub mod state;
pub mod types;

pub use state::{
    CaseAction, CaseParty, CaseSide, CaseStatus, CaseTransitionError, ConsultationCases,
    allowed_actions, may_see_patient, role_handles_consultations, role_schedules_consultations,
    transition,
};
pub use types::*;
