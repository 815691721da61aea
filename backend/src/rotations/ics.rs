//! iCalendar (RFC 5545) rendering of a calendar feed: each assignment is an all-day
//! event repeating on its weekdays until its last day; each consultation session is a
//! timed event.

use chrono::{Duration, Weekday};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use shared::consultation::SessionStatus;
use shared::message::Message;
use shared::rotation::AssignmentStatus;
use shared::{Labelled, Lang};

use super::service::FeedContent;

const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn weekday_codes(days: &[Weekday]) -> String {
    days.iter()
        .map(|day| BYDAY[day.num_days_from_monday() as usize])
        .collect::<Vec<_>>()
        .join(",")
}

/// The feed as an iCalendar document, its words in `lang`.
pub fn render(content: &FeedContent, lang: Lang) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(&content.name.text(lang))
        .append_property(icalendar::Property::new(
            "PRODID",
            "-//Tuyen//Rotation calendar//VI",
        ))
        .timezone("Asia/Ho_Chi_Minh");
    for assignment in &content.assignments {
        let Some(first) = assignment.span.days().next() else {
            continue;
        };
        let mut event = Event::new();
        event
            .uid(&format!("rotation-assignment-{}@tuyen", assignment.id))
            .summary(
                &Message::CalendarRotation {
                    staff: assignment.staff_name.clone(),
                    station: assignment.station_name.clone(),
                }
                .text(lang),
            )
            .description(&format!(
                "{} — {}",
                assignment.status.label(lang),
                assignment.span.weekdays.label(lang)
            ))
            .location(&assignment.station_name)
            .starts(first)
            .ends(first + Duration::days(1))
            .timestamp(assignment.updated_at.and_utc())
            .last_modified(assignment.updated_at.and_utc())
            .status(if assignment.status == AssignmentStatus::Published {
                EventStatus::Tentative
            } else {
                EventStatus::Confirmed
            });
        if assignment.span.end > first {
            event.add_property(
                "RRULE",
                format!(
                    "FREQ=WEEKLY;BYDAY={};UNTIL={}",
                    weekday_codes(&assignment.span.weekdays.days()),
                    assignment.span.end.format("%Y%m%d")
                ),
            );
        }
        calendar.push(event.done());
    }
    for session in &content.sessions {
        let starts = session.starts_at.and_utc();
        let ends = starts + Duration::minutes(i64::from(session.duration_minutes));
        let mut event = Event::new();
        event
            .uid(&format!("consultation-session-{}@tuyen", session.id))
            .summary(&Message::CalendarConsultation(session.title.clone()).text(lang))
            .starts(starts)
            .ends(ends)
            .timestamp(session.updated_at.and_utc())
            .status(if session.status.0 == SessionStatus::Cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(url) = session.meeting_url.as_deref().filter(|u| !u.is_empty()) {
            event.url(url).location(url);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
