//! The configurable referral rules.

use shared::referral::{MissingHolidayYear, ReferralRulesSetting};

use super::*;

/// The referral rules: the stored setting, or the built-in defaults.
pub fn rules(conn: &mut AnyConn) -> Result<(ReferralRules, i64), ApiError> {
    match crate::db::settings::find(conn, RULES_KEY)? {
        Some((value, version)) => Ok((from_json(&value, "referral rules")?, version)),
        None => Ok((ReferralRules::default(), 0)),
    }
}

/// Today in Vietnam, the day the missing holiday years are judged on.
fn today() -> chrono::NaiveDate {
    vietnam_date(utc(now()))
}

/// The rules as `GET /referral-rules` answers them: with their version and the years
/// that matter today but have no holiday list. Every signed-in reader may see them
/// (slips are dated with them; nothing in them is about a patient).
pub fn rules_setting(conn: &mut AnyConn) -> Result<ReferralRulesSetting, ApiError> {
    let (rules, version) = rules(conn)?;
    Ok(ReferralRulesSetting::new(rules, version, today()))
}

/// The years missing a holiday list, for those the policy tells of gaps in the rules
/// (`GET /me`); empty for everyone else.
pub fn holiday_years_missing(
    conn: &mut AnyConn,
    by: &Principal,
) -> Result<Vec<MissingHolidayYear>, ApiError> {
    if !allowed(by, Action::HearOfRuleGaps) {
        return Ok(Vec::new());
    }
    Ok(rules(conn)?.0.holiday_years_missing(today()))
}

/// Replaces the rules (admins), at the version read (0 when never stored); audited
/// with the fields that changed.
pub fn store_rules(
    conn: &mut AnyConn,
    by: &Principal,
    version: i64,
    input: &ReferralRules,
) -> Result<ReferralRulesSetting, ApiError> {
    authorize(by, Action::ManageReferralRules)?;
    // Stored sorted, so that the calendar and the audit diff read in date order.
    let mut input = input.clone();
    input.holidays.sort_unstable();
    write_tx(conn, |conn| {
        let (before, current) = rules(conn)?;
        if current != version {
            return Err(ApiError::precondition_failed());
        }
        if crate::db::settings::store(conn, RULES_KEY, &json_text(&input)?, version, now())? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "setting",
                entity_id: RULES_KEY.to_string(),
                action: "update",
                facility_id: None,
                changes: audit::diff(&before, &input),
            },
        )?;
        Ok(ReferralRulesSetting::new(input, version + 1, today()))
    })
}
