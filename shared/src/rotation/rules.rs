//! The rules every rotation assignment keeps (Decision 1816/QĐ-BYT and the centre's own
//! limits), as pure functions over a [`Roster`]: the people, their departments and who
//! is already booked where. The generator keeps them while it searches; the SPA calls
//! [`check`] while a planner edits an assignment, before anything is saved; the backend
//! calls it again on every write.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::calendar::{Span, months_of};
use crate::Lang;
use crate::registry::{Profession, RotationExemption};

labelled_enum! {
    /// A hard rule of rotation; its code is stable and appears in API problems.
    pub enum RotationRule {
        Exempted = "exempted", "Thuộc diện không cử đi luân phiên", "Exempted from rotation";
        Inactive = "inactive", "Không còn công tác", "No longer employed";
        Profession = "profession", "Không đúng chức danh nghề nghiệp yêu cầu", "Not the profession required";
        ScopeOfPractice = "scope_of_practice", "Ngoài phạm vi hoạt động chuyên môn", "Outside the scope of practice";
        Licence = "licence", "Chứng chỉ hành nghề không có hiệu lực", "Practice licence not valid";
        DoubleBooking = "double_booking", "Trùng lịch với phân công khác", "Already assigned elsewhere";
        OnLeave = "on_leave", "Đang nghỉ", "On leave";
        DepartmentMinimum = "department_minimum", "Khoa không còn đủ nhân lực tối thiểu tại chỗ", "Home department below its minimum on site";
        AwayShare = "away_share", "Vượt tỷ lệ nhân lực của khoa đi luân phiên cùng lúc", "Too many of the department away at once";
        MonthlyLimit = "monthly_limit", "Vượt số ngày luân phiên tối đa trong tháng", "Monthly rotation-day limit exceeded";
        PostingTooShort = "posting_too_short", "Thời gian luân phiên liên tục ngắn hơn quy định", "Continuous posting shorter than the minimum";
    }
}

/// The centre's configurable limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RuleSettings {
    /// Largest share of a department's staff away on rotation on the same day, in percent
    /// (default 20).
    #[validate(range(min = 0, max = 100))]
    pub max_away_percent: u8,
    /// Shortest continuous posting, in whole months (default 3, as in Decision 1816).
    #[validate(range(min = 1, max = 24))]
    pub min_posting_months: u8,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            max_away_percent: 20,
            min_posting_months: 3,
        }
    }
}

/// A leave period (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeavePeriod {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// What the rules need to know of a member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffFacts {
    /// Staff id.
    pub id: i64,
    /// Full name, for messages.
    pub full_name: String,
    /// Home department.
    pub department_id: Option<i64>,
    /// Profession.
    pub profession: Profession,
    /// Scope of practice: specialty codes.
    pub specialties: Vec<String>,
    /// Practice licence number; none means no licence on record.
    pub licence_number: Option<String>,
    /// Licence valid from.
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence valid until; none means no expiry.
    pub licence_valid_until: Option<NaiveDate>,
    /// Leave periods.
    pub leaves: Vec<LeavePeriod>,
    /// Why never rotated, if so.
    pub exemption: Option<RotationExemption>,
    /// Whether employed.
    pub active: bool,
    /// Most rotation days in a calendar month.
    pub monthly_limit: u32,
}

impl StaffFacts {
    /// The first day of the span the licence does not cover.
    pub fn first_unlicensed_day(&self, span: &Span) -> Option<NaiveDate> {
        if self
            .licence_number
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
        {
            return span.days().next();
        }
        span.days().find(|day| {
            self.licence_valid_from.is_some_and(|from| *day < from)
                || self.licence_valid_until.is_some_and(|until| *day > until)
        })
    }

    /// The first day of the span the person is on leave.
    pub fn first_leave_day(&self, span: &Span) -> Option<NaiveDate> {
        self.leaves
            .iter()
            .filter_map(|leave| span.first_day_within(leave.start, leave.end))
            .min()
    }

    /// Whether the person is on leave on the day.
    pub fn on_leave(&self, day: NaiveDate) -> bool {
        self.leaves
            .iter()
            .any(|leave| leave.start <= day && day <= leave.end)
    }
}

/// What the rules need to know of a department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentFacts {
    /// Department id.
    pub id: i64,
    /// Name, for messages.
    pub name: String,
    /// Minimum staff on site per profession.
    pub min_on_site: BTreeMap<Profession, i32>,
}

/// Someone already booked somewhere (an assignment that is not cancelled or absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    /// The assignment.
    pub assignment_id: i64,
    /// Who.
    pub staff_id: i64,
    /// Where.
    pub station_id: i64,
    /// When.
    pub span: Span,
}

/// Everything the rules look at: settings, the staff who may rotate with their
/// departments, and the bookings that already exist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    /// Limits.
    pub settings: RuleSettings,
    /// Staff (all of each department concerned, also those who never rotate: they count
    /// for the minimum on site).
    pub staff: Vec<StaffFacts>,
    /// Departments.
    pub departments: Vec<DepartmentFacts>,
    /// Existing bookings.
    pub bookings: Vec<Booking>,
}

/// What a demand asks of the person who fills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Need {
    /// Profession.
    pub profession: Profession,
    /// Specialty that must be in the person's scope of practice.
    pub specialty: Option<String>,
    /// A continuous posting (subject to the minimum length) rather than given weekdays.
    pub continuous: bool,
}

/// An assignment to check: who, where, when, for what need. `assignment_id` names the
/// assignment being edited, so that its own booking is not a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// The assignment being changed, if it exists.
    pub assignment_id: Option<i64>,
    /// Who.
    pub staff_id: i64,
    /// Station.
    pub station_id: i64,
    /// When.
    pub span: Span,
    /// What for.
    pub need: Need,
}

/// One broken rule, with what makes it concrete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breach {
    /// The rule.
    pub rule: RotationRule,
    /// The first day it is broken, when it is about a day.
    pub day: Option<NaiveDate>,
    /// The other assignment involved (double booking).
    pub other_assignment_id: Option<i64>,
    /// The number that was exceeded or missed (days in the month, people on site,
    /// months of posting), with the limit it is compared to.
    pub value: Option<i64>,
    /// The limit.
    pub limit: Option<i64>,
    /// The sentence to show, in the language asked for by [`check`]'s caller.
    pub message: String,
}

impl Breach {
    fn new(rule: RotationRule) -> Breach {
        Breach {
            rule,
            day: None,
            other_assignment_id: None,
            value: None,
            limit: None,
            message: String::new(),
        }
    }

    fn on(mut self, day: NaiveDate) -> Breach {
        self.day = Some(day);
        self
    }

    fn counting(mut self, value: i64, limit: i64) -> Breach {
        self.value = Some(value);
        self.limit = Some(limit);
        self
    }

    /// Fills [`Breach::message`] in the language.
    pub fn explained(mut self, lang: Lang) -> Breach {
        use crate::Labelled;
        let mut text = self.rule.label(lang).to_string();
        let vi = lang == Lang::Vi;
        if let Some(day) = self.day {
            let day = day.format("%d/%m/%Y");
            text.push_str(&if vi {
                format!(" (ngày {day})")
            } else {
                format!(" (on {day})")
            });
        }
        if let (Some(value), Some(limit)) = (self.value, self.limit) {
            let detail = match (self.rule, vi) {
                (RotationRule::MonthlyLimit, true) => format!("{value} ngày, tối đa {limit}"),
                (RotationRule::MonthlyLimit, false) => format!("{value} days, at most {limit}"),
                (RotationRule::DepartmentMinimum, true) => {
                    format!("còn {value} người, tối thiểu {limit}")
                }
                (RotationRule::DepartmentMinimum, false) => {
                    format!("{value} left, at least {limit}")
                }
                (RotationRule::AwayShare, true) => format!("{value} người vắng, tối đa {limit}"),
                (RotationRule::AwayShare, false) => format!("{value} away, at most {limit}"),
                (RotationRule::PostingTooShort, true) => {
                    format!("{value} tháng, tối thiểu {limit}")
                }
                (_, _) => format!("{value} / {limit}"),
            };
            text.push_str(": ");
            text.push_str(&detail);
        }
        self.message = text;
        self
    }
}

/// The rules that depend only on the person, the need and the dates: exemption,
/// employment, profession, scope of practice, licence, leave and posting length.
/// The generator uses them to decide who is a candidate at all.
pub fn personal_breaches(
    staff: &StaffFacts,
    need: &Need,
    span: &Span,
    settings: &RuleSettings,
) -> Vec<Breach> {
    let mut breaches = Vec::new();
    if staff.exemption.is_some() {
        breaches.push(Breach::new(RotationRule::Exempted));
    }
    if !staff.active {
        breaches.push(Breach::new(RotationRule::Inactive));
    }
    if staff.profession != need.profession {
        breaches.push(Breach::new(RotationRule::Profession));
    }
    if let Some(specialty) = &need.specialty
        && !staff.specialties.iter().any(|held| held == specialty)
    {
        breaches.push(Breach::new(RotationRule::ScopeOfPractice));
    }
    if let Some(day) = staff.first_unlicensed_day(span) {
        breaches.push(Breach::new(RotationRule::Licence).on(day));
    }
    if let Some(day) = staff.first_leave_day(span) {
        breaches.push(Breach::new(RotationRule::OnLeave).on(day));
    }
    if need.continuous {
        let months = span.whole_months();
        let minimum = u32::from(settings.min_posting_months);
        if months < minimum {
            breaches.push(
                Breach::new(RotationRule::PostingTooShort)
                    .counting(i64::from(months), i64::from(minimum)),
            );
        }
    }
    breaches
}

/// Every rule the proposal would break given the roster, in the language asked for;
/// empty when the assignment may be made. A person missing from the roster breaks
/// [`RotationRule::Inactive`].
pub fn check(roster: &Roster, proposal: &Proposal, lang: Lang) -> Vec<Breach> {
    let Some(staff) = roster.staff.iter().find(|s| s.id == proposal.staff_id) else {
        return vec![Breach::new(RotationRule::Inactive).explained(lang)];
    };
    let mut breaches = personal_breaches(staff, &proposal.need, &proposal.span, &roster.settings);
    let others: Vec<&Booking> = roster
        .bookings
        .iter()
        .filter(|b| Some(b.assignment_id) != proposal.assignment_id)
        .collect();

    let mine = others.iter().filter(|b| b.staff_id == staff.id);
    if let Some((day, other)) = mine
        .clone()
        .filter_map(|b| proposal.span.first_common_day(&b.span).map(|day| (day, b)))
        .min_by_key(|(day, _)| *day)
    {
        let mut breach = Breach::new(RotationRule::DoubleBooking).on(day);
        breach.other_assignment_id = Some(other.assignment_id);
        breaches.push(breach);
    }

    for (year, month) in months_of(proposal.span.start, proposal.span.end) {
        let in_month = |span: &Span| {
            span.days()
                .filter(|day| day.year() == year && day.month() == month)
                .count() as i64
        };
        let days = in_month(&proposal.span) + mine.clone().map(|b| in_month(&b.span)).sum::<i64>();
        if days > i64::from(staff.monthly_limit) {
            let first = NaiveDate::from_ymd_opt(year, month, 1);
            let mut breach = Breach::new(RotationRule::MonthlyLimit)
                .counting(days, i64::from(staff.monthly_limit));
            breach.day = first;
            breaches.push(breach);
        }
    }

    if let Some(department) = staff
        .department_id
        .and_then(|id| roster.departments.iter().find(|d| d.id == id))
    {
        breaches.extend(department_breaches(
            roster, department, staff, proposal, &others,
        ));
    }
    breaches.into_iter().map(|b| b.explained(lang)).collect()
}

/// The home department's minimum on site and share away, day by day over the proposal.
fn department_breaches(
    roster: &Roster,
    department: &DepartmentFacts,
    staff: &StaffFacts,
    proposal: &Proposal,
    others: &[&Booking],
) -> Vec<Breach> {
    let members: Vec<&StaffFacts> = roster
        .staff
        .iter()
        .filter(|s| s.active && s.department_id == Some(department.id))
        .collect();
    let same_profession = members
        .iter()
        .filter(|s| s.profession == staff.profession)
        .count() as i64;
    let minimum = i64::from(*department.min_on_site.get(&staff.profession).unwrap_or(&0));
    let max_away = members.len() as i64 * i64::from(roster.settings.max_away_percent) / 100;
    let member_bookings: Vec<(&StaffFacts, &Booking)> = others
        .iter()
        .filter(|b| b.staff_id != staff.id)
        .filter_map(|b| {
            members
                .iter()
                .find(|m| m.id == b.staff_id)
                .map(|m| (*m, *b))
        })
        .collect();

    let mut minimum_breach = None;
    let mut share_breach = None;
    for day in proposal.span.days() {
        let away: Vec<&StaffFacts> = member_bookings
            .iter()
            .filter(|(_, b)| b.span.contains(day))
            .map(|(m, _)| *m)
            .collect();
        let mut away_ids: Vec<i64> = away.iter().map(|m| m.id).collect();
        away_ids.sort_unstable();
        away_ids.dedup();
        let away_total = away_ids.len() as i64 + 1;
        if share_breach.is_none() && away_total > max_away {
            share_breach = Some(
                Breach::new(RotationRule::AwayShare)
                    .on(day)
                    .counting(away_total, max_away),
            );
        }
        if minimum_breach.is_none() && minimum > 0 {
            let absent = members
                .iter()
                .filter(|m| m.profession == staff.profession)
                .filter(|m| m.id == staff.id || away_ids.contains(&m.id) || m.on_leave(day))
                .count() as i64;
            let on_site = same_profession - absent;
            if on_site < minimum {
                minimum_breach = Some(
                    Breach::new(RotationRule::DepartmentMinimum)
                        .on(day)
                        .counting(on_site, minimum),
                );
            }
        }
        if minimum_breach.is_some() && share_breach.is_some() {
            break;
        }
    }
    minimum_breach.into_iter().chain(share_breach).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;
    use crate::rotation::calendar::Weekdays;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn person(id: i64, profession: Profession) -> StaffFacts {
        StaffFacts {
            id,
            full_name: format!("Người {id}"),
            department_id: Some(1),
            profession,
            specialties: vec!["noi_khoa".into()],
            licence_number: Some(format!("CCHN-{id}")),
            licence_valid_from: Some(d(2020, 1, 1)),
            licence_valid_until: None,
            leaves: vec![],
            exemption: None,
            active: true,
            monthly_limit: 10,
        }
    }

    /// A department of ten: 4 doctors (at least 2 on site) and 6 nurses; 20 % → 2 away.
    fn roster() -> Roster {
        let mut staff: Vec<StaffFacts> = (1..=4).map(|id| person(id, Profession::Doctor)).collect();
        staff.extend((5..=10).map(|id| person(id, Profession::Nurse)));
        Roster {
            settings: RuleSettings::default(),
            staff,
            departments: vec![DepartmentFacts {
                id: 1,
                name: "Khoa Nội".into(),
                min_on_site: BTreeMap::from([(Profession::Doctor, 2)]),
            }],
            bookings: vec![],
        }
    }

    fn tuesdays_of_march(staff_id: i64) -> Proposal {
        Proposal {
            assignment_id: None,
            staff_id,
            station_id: 100,
            span: Span::new(d(2026, 3, 1), d(2026, 3, 31), Weekdays::of(&[Weekday::Tue])),
            need: Need {
                profession: Profession::Doctor,
                specialty: Some("noi_khoa".into()),
                continuous: false,
            },
        }
    }

    fn book(roster: &mut Roster, assignment_id: i64, staff_id: i64, span: Span) {
        roster.bookings.push(Booking {
            assignment_id,
            staff_id,
            station_id: 200,
            span,
        });
    }

    fn rules(roster: &Roster, proposal: &Proposal) -> Vec<RotationRule> {
        check(roster, proposal, Lang::Vi)
            .into_iter()
            .map(|b| b.rule)
            .collect()
    }

    #[test]
    fn a_valid_assignment_breaks_nothing() {
        assert_eq!(rules(&roster(), &tuesdays_of_march(1)), vec![]);
    }

    #[test]
    fn exempted_staff_are_never_assigned() {
        let mut roster = roster();
        roster.staff[0].exemption = Some(RotationExemption::ChildUnder36Months);
        assert_eq!(
            rules(&roster, &tuesdays_of_march(1)),
            vec![RotationRule::Exempted]
        );
    }

    #[test]
    fn inactive_or_unknown_staff_are_refused() {
        let mut roster = roster();
        roster.staff[0].active = false;
        assert_eq!(
            rules(&roster, &tuesdays_of_march(1)),
            vec![RotationRule::Inactive]
        );
        assert_eq!(
            rules(&roster, &tuesdays_of_march(99)),
            vec![RotationRule::Inactive]
        );
    }

    #[test]
    fn the_profession_must_match() {
        let breaches = rules(&roster(), &tuesdays_of_march(5));
        assert!(breaches.contains(&RotationRule::Profession), "{breaches:?}");
    }

    #[test]
    fn the_specialty_must_be_in_the_scope_of_practice() {
        let mut proposal = tuesdays_of_march(1);
        proposal.need.specialty = Some("san_phu_khoa".into());
        assert_eq!(
            rules(&roster(), &proposal),
            vec![RotationRule::ScopeOfPractice]
        );
    }

    #[test]
    fn the_licence_must_be_valid_on_every_day() {
        let mut roster = roster();
        roster.staff[0].licence_valid_until = Some(d(2026, 3, 15));
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::Vi);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].rule, RotationRule::Licence);
        assert_eq!(breaches[0].day, Some(d(2026, 3, 17)));
        assert!(
            breaches[0].message.contains("17/03/2026"),
            "{}",
            breaches[0].message
        );
        roster.staff[0].licence_number = None;
        roster.staff[0].licence_valid_until = None;
        assert_eq!(
            rules(&roster, &tuesdays_of_march(1)),
            vec![RotationRule::Licence]
        );
    }

    #[test]
    fn nobody_is_in_two_places_on_one_day() {
        let mut roster = roster();
        // Thursdays elsewhere do not clash with Tuesdays; a Monday-to-Friday posting does.
        book(
            &mut roster,
            7,
            1,
            Span::new(d(2026, 3, 1), d(2026, 3, 31), Weekdays::of(&[Weekday::Thu])),
        );
        assert_eq!(rules(&roster, &tuesdays_of_march(1)), vec![]);
        book(
            &mut roster,
            8,
            1,
            Span::new(d(2026, 3, 16), d(2026, 3, 20), Weekdays::WORKING),
        );
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::En);
        assert_eq!(breaches[0].rule, RotationRule::DoubleBooking);
        assert_eq!(breaches[0].other_assignment_id, Some(8));
        assert_eq!(breaches[0].day, Some(d(2026, 3, 17)));
        // Editing assignment 8 itself is not a clash with itself.
        let mut edit = tuesdays_of_march(1);
        edit.assignment_id = Some(8);
        assert!(!rules(&roster, &edit).contains(&RotationRule::DoubleBooking));
    }

    #[test]
    fn nobody_is_sent_while_on_leave() {
        let mut roster = roster();
        roster.staff[0].leaves.push(LeavePeriod {
            start: d(2026, 3, 9),
            end: d(2026, 3, 13),
        });
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::Vi);
        assert_eq!(breaches[0].rule, RotationRule::OnLeave);
        assert_eq!(breaches[0].day, Some(d(2026, 3, 10)));
    }

    #[test]
    fn the_home_department_keeps_its_minimum_on_site() {
        let mut roster = roster();
        // Doctors 2 and 3 of 4 are away or on leave on 10 March: sending doctor 1 leaves 1 < 2.
        book(
            &mut roster,
            9,
            2,
            Span::new(d(2026, 3, 10), d(2026, 3, 10), Weekdays::ALL),
        );
        roster.staff[2].leaves.push(LeavePeriod {
            start: d(2026, 3, 10),
            end: d(2026, 3, 10),
        });
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::Vi);
        let minimum: Vec<_> = breaches
            .iter()
            .filter(|b| b.rule == RotationRule::DepartmentMinimum)
            .collect();
        assert_eq!(minimum.len(), 1, "{breaches:?}");
        assert_eq!(minimum[0].day, Some(d(2026, 3, 10)));
        assert_eq!((minimum[0].value, minimum[0].limit), (Some(1), Some(2)));
    }

    #[test]
    fn at_most_the_configured_share_of_a_department_is_away_at_once() {
        let mut roster = roster();
        // Ten staff, 20 %: two may be away. Two nurses are away on 24 March.
        book(
            &mut roster,
            10,
            5,
            Span::new(d(2026, 3, 23), d(2026, 3, 27), Weekdays::WORKING),
        );
        book(
            &mut roster,
            11,
            6,
            Span::new(d(2026, 3, 24), d(2026, 3, 24), Weekdays::ALL),
        );
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::Vi);
        assert_eq!(
            breaches.iter().map(|b| b.rule).collect::<Vec<_>>(),
            vec![RotationRule::AwayShare]
        );
        assert_eq!(breaches[0].day, Some(d(2026, 3, 24)));
        roster.settings.max_away_percent = 30;
        assert_eq!(rules(&roster, &tuesdays_of_march(1)), vec![]);
    }

    #[test]
    fn the_monthly_rotation_day_limit_holds_across_assignments() {
        let mut roster = roster();
        roster.staff[0].monthly_limit = 8;
        // Tuesdays of March 2026: 5 days; Thursdays: 4 more → 9 > 8.
        book(
            &mut roster,
            12,
            1,
            Span::new(d(2026, 3, 1), d(2026, 3, 31), Weekdays::of(&[Weekday::Thu])),
        );
        let breaches = check(&roster, &tuesdays_of_march(1), Lang::En);
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].rule, RotationRule::MonthlyLimit);
        assert_eq!((breaches[0].value, breaches[0].limit), (Some(9), Some(8)));
        assert!(
            breaches[0].message.contains("9 days, at most 8"),
            "{}",
            breaches[0].message
        );
    }

    #[test]
    fn a_continuous_posting_lasts_at_least_the_minimum() {
        let mut roster = roster();
        roster.staff[0].monthly_limit = 31;
        let mut proposal = tuesdays_of_march(1);
        proposal.need.continuous = true;
        proposal.span = Span::new(d(2026, 3, 1), d(2026, 4, 30), Weekdays::WORKING);
        // Two months (and a department of ten lets one doctor go).
        let breaches = check(&roster, &proposal, Lang::Vi);
        assert_eq!(
            breaches.iter().map(|b| b.rule).collect::<Vec<_>>(),
            vec![RotationRule::PostingTooShort]
        );
        assert!(
            breaches[0].message.contains("2 tháng, tối thiểu 3"),
            "{}",
            breaches[0].message
        );
        proposal.span.end = d(2026, 5, 31);
        assert_eq!(rules(&roster, &proposal), vec![]);
    }

    #[test]
    fn every_rule_has_a_stable_code_and_both_labels() {
        use crate::Labelled;
        for rule in RotationRule::all() {
            assert!(!rule.label(Lang::Vi).is_empty());
            assert_ne!(rule.label(Lang::Vi), rule.label(Lang::En));
            assert_eq!(rule.as_str().parse::<RotationRule>().ok(), Some(*rule));
        }
        assert_eq!(RotationRule::all().len(), 11);
    }
}
