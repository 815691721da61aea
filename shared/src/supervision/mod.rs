//! Supervision and quality criteria (giám sát, tiêu chí chất lượng): versioned checklist
//! templates with sections and scored items, visits to a facility scored item by item
//! on site, and the corrective actions findings become.
//!
//! - A **template** (bảng kiểm) is kept by a facility's Nursing office: sections of
//!   items, each answered yes / no, yes / partly / no, or 0–N points, with a weight and
//!   possibly **critical**; a pass threshold in percent. A published revision is never
//!   edited: a new revision is drafted from it, and publishing that one supersedes it.
//!   A visit keeps the revision it was scheduled with.
//! - A **visit** is run by a facility that supports the visited one (the centre's
//!   Nursing office at a station, a hospital at a centre it supports). Its workflow
//!   ([`SupervisionVisits`]):
//!
//! | status | the supervising facility may | final |
//! | --- | --- | --- |
//! | `scheduled` | reschedule, start → `in_progress`, cancel → `cancelled` | no |
//! | `in_progress` | record answers, raise corrective actions, submit → `submitted`, cancel | no |
//! | `submitted` | raise corrective actions, close → `closed` | no |
//! | `closed`, `cancelled` | — | yes |
//!
//! - The **score** ([`score()`]) is a pure function: per item the share met, weighted;
//!   per section and in total a percentage; pass = complete, total ≥ threshold and no
//!   critical item failed.
//! - A **corrective action** (việc khắc phục) has an owner at the visited facility and a
//!   due date ([`CorrectiveActions`]): the visited facility answers (`open|reopened →
//!   answered`), the supervising one closes it at a follow-up visit or reopens it. Late
//!   when past due and not closed ([`is_overdue`]).
//!
//! Quality data is not patient data: every field here is public metadata within the
//! reader's scope.

pub mod score;
pub mod state;
pub mod types;

pub use score::{ItemResult, Mark, Score, SectionScore, fits, item_result, score};
pub use state::{
    CorrectiveActions, CorrectiveRefusal, CorrectiveSide, CorrectiveStatus, CorrectiveStep,
    SupervisionVisits, VisitAction, VisitParty, VisitRefusal, VisitSide, VisitStatus, is_overdue,
    role_answers_actions, role_supervises,
};
pub use types::*;
