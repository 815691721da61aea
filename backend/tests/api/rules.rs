//! The referral rules and their holiday calendar: the years missing a holiday list
//! (on `GET /referral-rules` for every reader, on `GET /me` for admins and planners),
//! and who may change the rules, at which version, with which checks.

use chrono::{Datelike, NaiveDate, Utc};
use shared::referral::{GapSeverity, MissingHolidayYear, ReferralRules};
use shared::time::vietnam_date;

use crate::support::TestApp;

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The current Vietnamese year.
fn this_year() -> i32 {
    vietnam_date(Utc::now()).year()
}

#[actix_web::test]
async fn a_year_without_holidays_is_reported_to_readers_admins_and_planners() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let read = admin.referral_rules().await.ok();
    // Only last year's holidays: the current year has none, an error.
    let last_year = ReferralRules {
        holidays: vec![day(this_year() - 1, 9, 2)],
        ..read.rules.clone()
    };
    let stored = admin
        .store_referral_rules(&last_year, read.version)
        .await
        .ok();
    assert_eq!(stored.version, read.version + 1);
    let current = MissingHolidayYear {
        year: this_year(),
        severity: GapSeverity::Error,
    };
    assert_eq!(stored.holiday_years_missing.first(), Some(&current));

    // Every reader sees it on the rules; admins and planners also on their profile.
    let clinician = app.user("bacsi").await;
    let seen = clinician.referral_rules().await.ok();
    assert_eq!(seen.holiday_years_missing.first(), Some(&current));
    for told in ["admin", "kehoach"] {
        let me = app.user(told).await.me().await.ok();
        assert_eq!(me.holiday_years_missing.first(), Some(&current), "{told}");
    }
    for untold in ["bacsi", "tram.anphu"] {
        let me = app.user(untold).await.me().await.ok();
        assert!(me.holiday_years_missing.is_empty(), "{untold}");
    }

    // With this year's and next year's holidays nothing is missing.
    let complete = ReferralRules {
        holidays: vec![day(this_year() + 1, 1, 1), day(this_year(), 9, 2)],
        ..last_year
    };
    let stored = admin
        .store_referral_rules(&complete, stored.version)
        .await
        .ok();
    assert!(stored.holiday_years_missing.is_empty(), "{stored:?}");
    // Stored in date order.
    assert_eq!(stored.rules.holidays[0], day(this_year(), 9, 2));
    let me = app.user("kehoach").await.me().await.ok();
    assert!(me.holiday_years_missing.is_empty());
    assert!(
        admin
            .referral_rules()
            .await
            .ok()
            .holiday_years_missing
            .is_empty()
    );
}

#[actix_web::test]
async fn the_demo_rules_warn_of_the_coming_year_from_october() {
    let app = TestApp::spawn().await;
    let setting = app.user("kehoach").await.referral_rules().await.ok();
    // The demo ships the 2026 sample only: what is missing follows from the date.
    let expected = setting
        .rules
        .holiday_years_missing(vietnam_date(Utc::now()));
    assert_eq!(setting.holiday_years_missing, expected);
    assert_eq!(setting.version, 0);
    if vietnam_date(Utc::now()) >= day(2026, 10, 1) {
        assert!(
            setting
                .holiday_years_missing
                .iter()
                .any(|missing| missing.year >= 2027),
            "{setting:?}"
        );
    }
}

#[actix_web::test]
async fn only_admins_change_the_rules() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let read = admin.referral_rules().await.ok();
    for username in ["kehoach", "tram.anphu", "bacsi"] {
        app.user(username)
            .await
            .store_referral_rules(&read.rules, read.version)
            .await
            .assert_problem(403, "forbidden");
    }
    assert_eq!(admin.referral_rules().await.ok().version, read.version);
}

#[actix_web::test]
async fn a_stale_write_is_refused_and_writes_are_audited() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let read = admin.referral_rules().await.ok();
    let mut rules = read.rules.clone();
    rules.holidays.push(day(2027, 1, 1));
    let stored = admin.store_referral_rules(&rules, read.version).await.ok();
    // A second write at the version first read would undo the first: 412.
    admin
        .store_referral_rules(&read.rules, read.version)
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        admin.referral_rules().await.ok().rules.holidays,
        stored.rules.holidays
    );
    let trail = admin
        .audit_events("entity=setting&entity_id=referral_rules")
        .await
        .ok();
    assert_eq!(trail.items.len(), 1, "{trail:?}");
    assert_eq!(trail.items[0].action, "update");
    assert!(
        trail.items[0].changes.to_string().contains("2027-01-01"),
        "{:?}",
        trail.items[0].changes
    );
}

#[actix_web::test]
async fn bad_holidays_codes_and_windows_are_refused_at_their_fields() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let read = admin.referral_rules().await.ok();
    let mut rules = read.rules.clone();
    let duplicate_at = rules.holidays.len();
    rules.holidays.push(rules.holidays[0]);
    rules.holidays.push(day(1999, 1, 1));
    rules.long_validity_codes.push("e11".into());
    rules.response_windows.urgent_minutes = 0;
    let answer = admin.store_referral_rules(&rules, read.version).await;
    let problem = answer.assert_problem(422, "validation_failed");
    let errors = &problem["errors"];
    let codes_at = format!(
        "long_validity_codes[{}]",
        rules.long_validity_codes.len() - 1
    );
    for field in [
        format!("holidays[{duplicate_at}]"),
        format!("holidays[{}]", duplicate_at + 1),
        codes_at,
        "response_windows.urgent_minutes".to_string(),
    ] {
        assert!(errors.get(&field).is_some(), "{field}: {problem}");
    }
    // In the language asked for.
    let code_message = errors[format!("holidays[{}]", duplicate_at + 1)].to_string();
    assert!(code_message.contains("2000"), "{code_message}");
    // A date that is no date at all does not parse: refused at its path, not a 500.
    admin
        .put::<serde_json::Value>(
            &format!("{}/referral-rules", testkit::API),
            &serde_json::json!({"holidays": ["2027-02-30"]}),
            Some(&format!("\"{}\"", read.version)),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(admin.referral_rules().await.ok().version, read.version);
}
