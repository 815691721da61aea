//! Referrals (chuyển người bệnh / chuyển tuyến): the slip of Circular 01/2025/TT-BYT
//! (Appendix VI, "Phiếu chuyển cơ sở khám bệnh, chữa bệnh bảo hiểm y tế"), its state
//! machine, how long a slip is valid, when an unanswered referral is overdue, where to
//! send a patient, and the API types of `/referrals`, `/follow-ups` and
//! `/referral-destinations`.
//!
//! Everything here is pure: the backend calls it inside its services and the SPA calls
//! the same functions to show only the buttons a user may press, the slip's validity
//! and the overdue badge before a request is made.
//!
//! - [`state`]: statuses, actions, who may do what ([`transition`], [`allowed_actions`]).
//! - [`slip`]: slip validity ([`slip_valid_until`]) and slip numbers.
//! - [`timeliness`]: answer windows per urgency ([`answer_due`], [`is_overdue`]).
//! - [`routing`]: ranking of capable destinations ([`rank_destinations`]).
//! - [`types`]: the request and response bodies.
//! - [`rules`]: the configurable parameters bundled as [`ReferralRules`].
//! - [`holidays`]: the holiday calendar per year and the years missing one.

pub mod holidays;
pub mod routing;
pub mod rules;
pub mod slip;
pub mod state;
pub mod timeliness;
pub mod types;

pub use holidays::{GapSeverity, MissingHolidayYear, holidays_by_year, missing_holiday_years};
pub use routing::{Destination, DestinationQuery, NetworkPlace, distance_km, rank_destinations};
pub use rules::{ReferralRules, ReferralRulesSetting};
pub use slip::{
    SAMPLE_HOLIDAYS_2026, SAMPLE_LONG_VALIDITY_CODES, SlipNumber, format_slip_number,
    has_long_validity, is_expired, is_working_day, parse_slip_number, slip_expired,
    slip_valid_until,
};
pub use state::{
    Party, ReferralAction, ReferralStatus, Referrals, Side, TransitionError, allowed_actions,
    may_edit, may_see_patient, role_handles_referrals, transition,
};
pub use timeliness::{ResponseWindows, answer_due, follow_up_overdue, is_overdue};
pub use types::*;
