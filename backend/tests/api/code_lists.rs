//! `GET /code-lists/icd10`: the ICD-10 list for the referral form's lookup and for
//! integrators, by code prefix or accent-insensitive words, paged like every list.

use crate::support::TestApp;

#[actix_web::test]
async fn icd10_is_found_by_words_without_accents_and_by_code_prefix() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let pneumonia = station.icd10("q=viem%20phoi&limit=200").await.ok();
    assert!(
        pneumonia
            .items
            .iter()
            .any(|e| e.code == "J18.9" && e.name.starts_with("Viêm phổi")),
        "{pneumonia:?}"
    );
    assert!(pneumonia.items.iter().all(|e| {
        let folded = shared::search::fold(&e.name);
        folded.contains("viem") && folded.contains("phoi")
    }));
    let by_code = station.icd10("q=j18").await.ok();
    assert!(!by_code.items.is_empty());
    assert!(by_code.items.iter().all(|e| e.code.starts_with("J18")));
    let undotted = station.icd10("q=J189").await.ok();
    assert_eq!(undotted.items.len(), 1);
    assert_eq!(undotted.items[0].code, "J18.9");

    // Pages follow the cursor; a bad cursor or a long text is a 400.
    let first = station.icd10("limit=5").await.ok();
    assert_eq!(first.items.len(), 5);
    let cursor = first.next_cursor.clone().unwrap();
    let second = station
        .icd10(&format!("limit=5&cursor={cursor}"))
        .await
        .ok();
    assert!(second.items[0].code > first.items[4].code);
    station
        .icd10("cursor=abc")
        .await
        .assert_problem(422, "validation_failed");
    station
        .icd10(&format!("q={}", "a".repeat(101)))
        .await
        .assert_problem(422, "validation_failed");

    // An integration client reads it too; nobody unsigned does.
    let anonymous = app.get("/api/v1/code-lists/icd10", "").await;
    assert_eq!(anonymous.status(), 401);
}
