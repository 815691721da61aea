//! The configurable referral rules.

use super::*;

/// The referral rules: the stored setting, or the built-in defaults.
pub fn rules(conn: &mut AnyConn) -> Result<(ReferralRules, i64), ApiError> {
    match repo::setting(conn, RULES_KEY)? {
        Some((value, version)) => Ok((from_json(&value, "referral rules")?, version)),
        None => Ok((ReferralRules::default(), 0)),
    }
}

/// Replaces the rules (admins), at the version read (0 when never stored).
pub fn store_rules(
    conn: &mut AnyConn,
    by: &Principal,
    version: i64,
    input: &ReferralRules,
) -> Result<(ReferralRules, i64), ApiError> {
    authorize(by, Action::ManageReferralRules)?;
    write_tx(conn, |conn| {
        let (before, current) = rules(conn)?;
        if current != version {
            return Err(ApiError::precondition_failed());
        }
        if repo::store_setting(conn, RULES_KEY, &json_text(input)?, version, now())? == 0 {
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
                changes: audit::diff(&before, input),
            },
        )?;
        Ok((input.clone(), version + 1))
    })
}
