//! Timeliness: how long a receiver has to answer a sent referral, and when a follow-up
//! is late. An overdue referral is flagged in both facilities' lists.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::state::ReferralStatus;
use super::types::{FollowUpStatus, Urgency};

/// How long the receiving facility has to answer (accept, decline or redirect) a sent
/// referral, per urgency. Configurable; the defaults are 30 minutes for an emergency,
/// 4 hours for an urgent and 48 hours for a routine referral. The clock runs around the
/// clock, weekends included: patients do not wait for Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResponseWindows {
    /// Minutes to answer an emergency referral (default 30).
    #[validate(range(min = 1, max = 43_200))]
    pub emergency_minutes: u32,
    /// Minutes to answer an urgent referral (default 240).
    #[validate(range(min = 1, max = 43_200))]
    pub urgent_minutes: u32,
    /// Minutes to answer a routine referral (default 2 880).
    #[validate(range(min = 1, max = 43_200))]
    pub routine_minutes: u32,
}

impl Default for ResponseWindows {
    fn default() -> Self {
        ResponseWindows {
            emergency_minutes: 30,
            urgent_minutes: 4 * 60,
            routine_minutes: 48 * 60,
        }
    }
}

impl ResponseWindows {
    /// The window for one urgency.
    pub fn window(&self, urgency: Urgency) -> TimeDelta {
        let minutes = match urgency {
            Urgency::Emergency => self.emergency_minutes,
            Urgency::Urgent => self.urgent_minutes,
            Urgency::Routine => self.routine_minutes,
        };
        TimeDelta::minutes(i64::from(minutes))
    }
}

/// When the answer to a referral sent at `sent_at` is due.
pub fn answer_due(
    sent_at: DateTime<Utc>,
    urgency: Urgency,
    windows: &ResponseWindows,
) -> DateTime<Utc> {
    sent_at
        .checked_add_signed(windows.window(urgency))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether a referral is overdue at `now`: it is still `sent` (unanswered) and its
/// answer was due strictly before `now`. Answered, draft and closed referrals never are.
pub fn is_overdue(
    status: ReferralStatus,
    urgency: Urgency,
    sent_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    windows: &ResponseWindows,
) -> bool {
    status == ReferralStatus::Sent
        && sent_at.is_some_and(|sent_at| now > answer_due(sent_at, urgency, windows))
}

/// Whether a follow-up is late on `today`: still open after its due date.
pub fn follow_up_overdue(status: FollowUpStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status == FollowUpStatus::Open && today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn default_windows_per_urgency() {
        let windows = ResponseWindows::default();
        let sent = at("2026-03-06T08:00:00Z");
        assert_eq!(
            answer_due(sent, Urgency::Emergency, &windows),
            at("2026-03-06T08:30:00Z")
        );
        assert_eq!(
            answer_due(sent, Urgency::Urgent, &windows),
            at("2026-03-06T12:00:00Z")
        );
        // Friday morning + 48 h runs over the weekend.
        assert_eq!(
            answer_due(sent, Urgency::Routine, &windows),
            at("2026-03-08T08:00:00Z")
        );
        assert!(windows.validate().is_ok());
    }

    #[test]
    fn overdue_only_while_sent_and_strictly_after_the_due_time() {
        let windows = ResponseWindows::default();
        let sent = Some(at("2026-03-06T08:00:00Z"));
        let emergency =
            |status, now| is_overdue(status, Urgency::Emergency, sent, at(now), &windows);
        assert!(!emergency(ReferralStatus::Sent, "2026-03-06T08:29:59Z"));
        assert!(!emergency(ReferralStatus::Sent, "2026-03-06T08:30:00Z"));
        assert!(emergency(ReferralStatus::Sent, "2026-03-06T08:30:01Z"));
        for status in ReferralStatus::all() {
            if *status != ReferralStatus::Sent {
                assert!(!emergency(*status, "2026-03-09T00:00:00Z"), "{status}");
            }
        }
        let routine = |now| {
            is_overdue(
                ReferralStatus::Sent,
                Urgency::Routine,
                sent,
                at(now),
                &windows,
            )
        };
        assert!(!routine("2026-03-06T12:00:00Z"));
        assert!(!routine("2026-03-08T08:00:00Z"));
        assert!(routine("2026-03-08T08:00:01Z"));
        assert!(!is_overdue(
            ReferralStatus::Sent,
            Urgency::Urgent,
            None,
            at("2030-01-01T00:00:00Z"),
            &windows
        ));
    }

    #[test]
    fn windows_are_configurable_and_validated() {
        let windows: ResponseWindows =
            serde_json::from_str(r#"{"urgent_minutes": 60}"#).unwrap_or_default();
        assert_eq!(windows.urgent_minutes, 60);
        assert_eq!(windows.emergency_minutes, 30);
        assert_eq!(windows.window(Urgency::Urgent), TimeDelta::hours(1));
        let broken = ResponseWindows {
            emergency_minutes: 0,
            ..ResponseWindows::default()
        };
        assert!(broken.validate().is_err());
        let far = answer_due(DateTime::<Utc>::MAX_UTC, Urgency::Routine, &windows);
        assert_eq!(far, DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn follow_ups_are_late_after_their_day() {
        let due = NaiveDate::from_ymd_opt(2026, 4, 10).unwrap_or_default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 4, d).unwrap_or_default();
        assert!(!follow_up_overdue(FollowUpStatus::Open, due, day(10)));
        assert!(follow_up_overdue(FollowUpStatus::Open, due, day(11)));
        assert!(!follow_up_overdue(FollowUpStatus::Done, due, day(11)));
        assert!(!follow_up_overdue(FollowUpStatus::Missed, due, day(11)));
    }
}
