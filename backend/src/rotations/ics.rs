//! iCalendar (RFC 5545) rendering of a calendar feed: each assignment is an all-day
//! event repeating on its weekdays until its last day; each consultation session is a
//! timed event.
//!
//! Text values are escaped (`\\`, `;`, `,`, a line break as `\n`) and content lines
//! folded at 75 octets by the `icalendar` crate for the properties it knows as TEXT;
//! `NAME` (RFC 7986) it writes as given, so it is escaped here. Names written before
//! control characters were refused may still hold a CR or another control character:
//! [`plain`] takes those out, so that no value can break a content line.

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

/// `text` with line breaks as LF and no other control character: a CR alone would end
/// the content line in a reader that takes it for a line break.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// A TEXT value escaped per RFC 5545 §3.3.11, for a property the crate writes as given.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in plain(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The feed as an iCalendar document, its words in `lang`.
pub fn render(content: &FeedContent, lang: Lang) -> String {
    let name = plain(&content.name.text(lang));
    let mut calendar = Calendar::new();
    calendar
        .append_property(icalendar::Property::new("NAME", escape_text(&name)))
        .append_property(icalendar::Property::new("X-WR-CALNAME", name))
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
            .summary(&plain(
                &Message::CalendarRotation {
                    staff: assignment.staff_name.clone(),
                    station: assignment.station_name.clone(),
                }
                .text(lang),
            ))
            .description(&format!(
                "{} — {}",
                assignment.status.label(lang),
                assignment.span.weekdays.label(lang)
            ))
            .location(&plain(&assignment.station_name))
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
            .summary(&plain(
                &Message::CalendarConsultation(session.title.clone()).text(lang),
            ))
            .starts(starts)
            .ends(ends)
            .timestamp(session.updated_at.and_utc())
            .status(if session.status.0 == SessionStatus::Cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        // A URI is not escaped: one with a control character in it is left out.
        if let Some(url) = session
            .meeting_url
            .as_deref()
            .filter(|u| !u.is_empty() && !u.chars().any(char::is_control))
        {
            event.url(url).location(url);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use shared::rotation::{Span, Weekdays};

    use super::*;
    use crate::rotations::service::RotationAssignmentLite;

    fn feed(staff: &str, station: &str) -> FeedContent {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        FeedContent {
            name: Message::Verbatim(format!("Lịch {station}")),
            assignments: vec![RotationAssignmentLite {
                id: 7,
                staff_name: staff.to_string(),
                station_name: station.to_string(),
                span: Span::new(day, day, Weekdays::ALL),
                status: AssignmentStatus::Confirmed,
                updated_at: day.and_hms_opt(8, 0, 0).unwrap_or_default(),
            }],
            sessions: Vec::new(),
        }
    }

    fn lines(ics: &str) -> Vec<&str> {
        ics.split("\r\n").collect()
    }

    #[test]
    fn text_is_escaped_and_no_value_breaks_a_line() {
        let ics = render(
            &feed("Lê\r\nVăn; A, \\B", "Trạm\rY tế\nAn Phú\u{7}"),
            Lang::Vi,
        );
        for line in lines(&ics) {
            assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
            assert!(!line.chars().any(char::is_control), "{line:?}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(r"SUMMARY:Luân phiên: Lê\nVăn\; A\, \\B tại TrạmY tế\nAn Phú"),
            "{unfolded}"
        );
        assert!(
            unfolded.contains(r"LOCATION:TrạmY tế\nAn Phú"),
            "{unfolded}"
        );
        assert!(
            unfolded.contains(r"NAME:Lịch TrạmY tế\nAn Phú"),
            "{unfolded}"
        );
        assert!(!unfolded.contains("BEGIN:VEVENT\r\nEND"), "{unfolded}");
    }

    #[test]
    fn long_lines_are_folded_at_75_octets() {
        let long = "Trạm Y tế xã An Phú Đông, quận Mười Hai; ".repeat(6);
        let ics = render(&feed("Nguyễn Thị Minh Khai", &long), Lang::Vi);
        for line in lines(&ics) {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("LOCATION:{}", escape_text(&long))));
    }

    #[test]
    fn the_escaper_follows_rfc_5545() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\u{0}"), r"a\\b\;c\,d\ne\nf");
    }
}
