//! The contract: the committed OpenAPI document. The database schemas are compared in
//! `schema.rs`.

use serde_json::Value;

#[test]
fn committed_openapi_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .expect("openapi/openapi.json is committed");
    let committed: Value = serde_json::from_str(&committed).expect("valid JSON");
    let generated: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let spec: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    let mut missing = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            // Operations that take no bearer token declare `security: [{}]`.
            let public = operation["security"] == serde_json::json!([{}]);
            if !public && !responses.contains_key("401") {
                missing.push(format!("{method} {path}: 401"));
            }
            for (status, response) in responses {
                if status.starts_with('4')
                    && response["content"]["application/problem+json"].is_null()
                {
                    missing.push(format!("{method} {path}: {status} not problem+json"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
