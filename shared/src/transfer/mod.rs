//! Technique transfer (chuyển giao kỹ thuật): responsibility agreements under which a
//! facility transfers named techniques of the catalogue to another (an end-line hospital
//! to a provincial one, a centre to its stations), trains the receiving side's staff,
//! checks that the receiving facility is ready, and both sides sign off.
//!
//! The workflow ([`TransferAgreements`]):
//!
//! | status | the sides may | leads to |
//! | --- | --- | --- |
//! | `draft` | edit, enrol trainees (receiving), sign (each side) | `signed` when both signed |
//! | `signed` | start training (transferring), enrol | `training` |
//! | `training` | record sessions and attendance, confirm readiness, check readiness | `ready_check` |
//! | `ready_check` | confirm readiness, sign off (each side; every item ready, trainees certified) | `signed_off` when both signed |
//! | `signed_off`, `reviewing` | six-monthly review, close | `reviewing`, `closed` |
//! | any after the draft | suspend with a reason; resume goes back to `training` | `suspended` |
//!
//! Signing off makes each technique `performing` at the receiving facility with source
//! `transfer_agreement`, and adds it to each certified trainee's scope of practice.
//! Certified trainees who leave within 24 months are flagged ([`retention_flag`]).
//!
//! Agreements are not patient data: every field is public metadata within the network.

pub mod state;
pub mod types;

pub use state::{
    AgreementAction, AgreementParty, AgreementRefusal, AgreementSide, AgreementStatus,
    RETENTION_MONTHS, REVIEW_EVERY_MONTHS, RetentionFlag, TransferAgreements, months_after,
    next_review_due, retained_after, retention_flag, role_coordinates_transfers,
};
pub use types::*;
