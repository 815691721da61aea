//! The OpenAPI document: paths are collected from the routes as they are registered
//! (see `app::api`), this adds the title, tags, the bearer security scheme and the
//! problem answers common to every operation of a kind.

pub mod problems;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

use problems::{
    Busy, IfMatchRequired, MalformedBody, MalformedParameter, NotJson, PasswordChangeRequired,
    ProblemAnswer, TooLarge, Unauthorized, Unprocessable,
};

/// The operations a user with a temporary password may still call (the handlers that
/// take `auth::SelfService` instead of `Principal`): every other signed-in operation
/// can answer 403 `password_change_required`.
const SELF_SERVICE: &[(&str, &str)] = &[
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("post", "/api/v1/auth/logout-all"),
];

/// Document metadata; `app::spec()` fills in the paths.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tuyến API",
        description = "Điều phối mạng lưới y tế: kế hoạch hỗ trợ, luân phiên, hội chẩn, chuyển tuyến.\n\n\
Coordination API of a public health network. Errors are RFC 9457 `application/problem+json` \
with a stable `code`; lists page with `limit` and `cursor`; updates need `If-Match`; creates \
accept `Idempotency-Key`. See docs/API.md.",
        version = "1.0.0"
    ),
    modifiers(&BearerAuth),
    // Enums used only in query and path parameters, and the problem body, which the routes name
    // through `problems` rather than register themselves.
    components(schemas(
        shared::referral::ReferralBox,
        shared::consultation::CaseBox,
        shared::error::Problem,
        crate::registry::import::export::FileFormat
    )),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "Đăng nhập, phiên làm việc — sign-in and tokens"),
        (name = "users", description = "Tài khoản người dùng — user accounts (admins)"),
        (name = "api-clients", description = "Ứng dụng tích hợp — integration clients (admins)"),
        (name = "facilities", description = "Cơ sở y tế — facilities and capabilities"),
        (name = "support-links", description = "Liên kết hỗ trợ — who supports whom"),
        (name = "departments", description = "Khoa / phòng — departments"),
        (name = "staff", description = "Nhân sự — staff, licences, leave"),
        (name = "techniques", description = "Kỹ thuật — technique catalogue, facility coverage, regional specialty networks"),
        (name = "code-lists", description = "Danh mục mã — reference code lists (ICD-10)"),
        (name = "referrals", description = "Chuyển tuyến — referrals, follow-ups, destinations"),
        (name = "consultations", description = "Hội chẩn — consultation sessions (calendar) and case requests"),
        (name = "rotations", description = "Luân phiên — rotation plans, demands, assignments, generator, calendar feeds"),
        (name = "plans", description = "Kế hoạch hỗ trợ — support plans, versions, indicators, evaluations, reports, support requests"),
        (name = "audit", description = "Nhật ký — audit trail (admins)"),
        (name = "system", description = "Health and readiness"),
        (name = "supervision", description = "Giám sát chất lượng — checklist templates, supervision visits, findings and corrective actions"),
        (name = "transfers", description = "Chuyển giao kỹ thuật — technique-transfer agreements, trainees, training, readiness, sign-off, reviews"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or tyn_ API token")
                    .description(Some(
                        "A JWT from POST /api/v1/auth/login, or an integration client's API token",
                    ))
                    .build(),
            ),
        );
    }
}

/// The problem answers every operation of a kind can give, added to the document in one
/// place rather than named on each route: 401 where a token is needed (and 403
/// `password_change_required` where a temporary password is not enough), 400 where a
/// path or query parameter can be malformed, and 400/413/415/422 where a JSON body is
/// read. An answer a route names itself (with its own description) is kept; a 403 of
/// the route's own gets the temporary-password case added to its description.
pub fn add_common_problems(openapi: &mut utoipa::openapi::OpenApi) {
    let public = Some(vec![SecurityRequirement::default()]);
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let mut common = Vec::new();
            if operation.security != public {
                common.push(Unauthorized::entry());
                if !SELF_SERVICE.contains(&(method, path.as_str())) {
                    add_password_change_required(&mut operation.responses.responses);
                }
            }
            let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if has_parameters {
                common.push(MalformedParameter::entry());
            }
            if operation.request_body.is_some() {
                common.extend([MalformedBody::entry(), TooLarge::entry(), NotJson::entry()]);
            }
            if has_parameters || operation.request_body.is_some() {
                common.push(Unprocessable::entry());
            }
            if needs_if_match(operation) {
                common.push(IfMatchRequired::entry());
            }
            declare_header_shapes(operation);
            // Every operation but the liveness probe reads the database, which can be
            // busy (SQLite's write lock) or out of reach.
            if path != "/healthz" {
                common.push(Busy::entry());
            }
            for (status, response) in common {
                problems::merge(&mut operation.responses.responses, status, response);
            }
        }
    }
}

/// What an `If-Match` header may hold (RFC 9110): `*` or a list of entity tags, strong
/// (`"7"`) or weak (`W/"7"`, which never matches). `http::Precondition::parse` reads
/// exactly this.
pub const IF_MATCH_PATTERN: &str =
    r#"^[ \t]*(\*|(W/)?"[0-9]{1,18}"([ \t]*,[ \t]*(W/)?"[0-9]{1,18}")*)[ \t]*$"#;
/// What an `Idempotency-Key` may hold: 1–200 visible ASCII characters.
pub const IDEMPOTENCY_KEY_PATTERN: &str = r"^[!-~]{1,200}$";

/// Declares the shape of the `If-Match` and `Idempotency-Key` headers wherever an
/// operation takes them, in one place rather than on each route.
fn declare_header_shapes(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    for parameter in operation.parameters.iter_mut().flatten() {
        let pattern = match parameter.name.as_str() {
            "If-Match" => IF_MATCH_PATTERN,
            "Idempotency-Key" => IDEMPOTENCY_KEY_PATTERN,
            _ => continue,
        };
        if parameter.parameter_in != ParameterIn::Header {
            continue;
        }
        let schema = serde_json::json!({"type": "string", "pattern": pattern});
        if let Ok(schema) = serde_json::from_value::<utoipa::openapi::schema::Schema>(schema) {
            parameter.schema = Some(schema.into());
        }
    }
}

/// Whether the operation takes a required `If-Match` header (and answers 428 without).
fn needs_if_match(operation: &utoipa::openapi::path::Operation) -> bool {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::ParameterIn;
    operation.parameters.iter().flatten().any(|parameter| {
        parameter.name == "If-Match"
            && parameter.parameter_in == ParameterIn::Header
            && parameter.required == Required::True
    })
}

/// Rewrites the descriptions the document took from doc comments for integrators (in
/// the document's JSON text, where they are the only place such links occur): the
/// comments are written for the code's readers and link to Rust items
/// (`` [`super::may_see_patient`] ``), which mean nothing outside the code. A link in
/// parentheses goes, with a "see" before it; any other keeps its name in code quotes.
pub fn for_integrators(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(length) = rest[start..].find("`]") else {
            break;
        };
        let end = start + length + 2;
        let item = &rest[start + 2..end - 2];
        let before = &rest[..start];
        let after = &rest[end..];
        let name = item.rsplit("::").next().unwrap_or(item);
        if before.ends_with('(') && after.starts_with(')') {
            // " ([`x`])" goes whole (with the line break before it, in JSON text `\n`).
            let head = before[..before.len() - 1].trim_end();
            out.push_str(head.strip_suffix("\\n").unwrap_or(head).trim_end());
            rest = &after[1..];
        } else if let Some(head) = strip_see(before)
            && after.starts_with(')')
        {
            // "(soft: see [`x`])" → "(soft)".
            out.push_str(head);
            rest = after;
        } else {
            out.push_str(before);
            out.push('`');
            out.push_str(name);
            out.push('`');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `before` without a trailing ", see " / ": see " / "; see ", when it has one.
fn strip_see(before: &str) -> Option<&str> {
    let trimmed = before.trim_end();
    let head = trimmed.strip_suffix("see")?;
    let head = head.trim_end();
    head.strip_suffix([',', ':', ';']).map(str::trim_end)
}

/// The name of the schema of a slip that may be sent.
pub const READY_TO_SEND: &str = "ReferralReadyToSend";

/// Adds [`READY_TO_SEND`]: a slip is saved as a draft with few fields required
/// (`ReferralInput`), and `POST /referrals/{id}/send` refuses a draft that lacks what a
/// sent slip needs. This schema states that in the contract: the draft as
/// `ReferralInput`, and the fields `ReferralInput::validate_send` (in `shared`) requires.
/// An escort for an emergency transfer is the one rule a schema cannot say without
/// conditionals; the send step's description names it.
pub fn add_ready_to_send(openapi: &mut utoipa::openapi::OpenApi) {
    let schema = serde_json::json!({
        "description": "A draft slip that `POST /api/v1/referrals/{id}/send` accepts: a `ReferralInput` with clinical signs, at least one ICD-10 diagnosis, the condition at transfer, the means of transport and the signatory (and, for an emergency, the escort's name). A draft lacking any of them is refused with `validation_failed`, each missing field at its path (`clinical.signs`, `transport.means`, `signed_by`, …).",
        "allOf": [
            {"$ref": "#/components/schemas/ReferralInput"},
            {
                "type": "object",
                "required": ["clinical", "transport", "signed_by"],
                "properties": {
                    "clinical": {
                        "type": "object",
                        "required": ["signs", "diagnoses", "condition_at_transfer"],
                        "properties": {
                            "signs": {"type": "string", "minLength": 1, "pattern": "\\S"},
                            "diagnoses": {"type": "array", "minItems": 1},
                            "condition_at_transfer": {"type": "string", "minLength": 1, "pattern": "\\S"}
                        }
                    },
                    "transport": {
                        "type": "object",
                        "required": ["means"],
                        "properties": {"means": {"$ref": "#/components/schemas/TransportMeans"}}
                    },
                    "signed_by": {"$ref": "#/components/schemas/Signatory"}
                }
            }
        ]
    });
    if let Ok(schema) = serde_json::from_value::<utoipa::openapi::schema::Schema>(schema) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .insert(READY_TO_SEND.to_string(), schema.into());
    }
}

/// 403 `password_change_required`, or the case added to the route's own 403.
fn add_password_change_required(
    responses: &mut std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    >,
) {
    let (status, response) = PasswordChangeRequired::entry();
    match responses.get_mut(&status) {
        Some(utoipa::openapi::RefOr::T(own)) => {
            own.description = format!(
                "{}; or {}",
                own.description,
                PasswordChangeRequired::DESCRIPTION
            );
        }
        Some(utoipa::openapi::RefOr::Ref(_)) => {}
        None => {
            responses.insert(status, response.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Client generators name a method after each operationId: two operations with one
    /// id break them.
    #[test]
    fn operation_ids_are_unique() {
        let spec = crate::app::spec();
        let mut seen = std::collections::BTreeMap::new();
        for (path, item) in &spec.paths.paths {
            for (method, operation) in [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("patch", &item.patch),
            ] {
                let Some(operation) = operation else { continue };
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(!id.is_empty(), "{method} {path} has no operationId");
                if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                    panic!("operationId {id} names both {other} and {method} {path}");
                }
            }
        }
    }

    /// The document speaks to integrators: no links to Rust items, no parser internals.
    #[test]
    fn the_document_has_no_rustdoc_links_or_parser_internals() {
        let document = crate::app::spec_json().unwrap_or_default();
        for internal in ["[`", "super::", "crate::", "deserialize error"] {
            let found: Vec<&str> = document
                .lines()
                .filter(|line| line.contains(internal))
                .collect();
            assert!(found.is_empty(), "{internal}: {found:#?}");
        }
    }

    #[test]
    fn rustdoc_links_read_as_plain_names() {
        assert_eq!(
            for_integrators(r"for the two facilities and admins\n([`may_see_patient`]); audited"),
            "for the two facilities and admins; audited"
        );
        assert_eq!(
            for_integrators("Open past its due day ([`super::follow_up_overdue`])."),
            "Open past its due day."
        );
        assert_eq!(
            for_integrators("ICD-10 code (uppercase, see [`validation::icd10_code`])."),
            "ICD-10 code (uppercase)."
        );
        assert_eq!(
            for_integrators("Rule code (a [`super::RotationRule`])."),
            "Rule code (a `RotationRule`)."
        );
        assert_eq!(for_integrators("no link"), "no link");
    }

    /// The schema of a sendable slip names schemas the document has.
    #[test]
    fn a_sendable_slip_is_in_the_contract() {
        let document: serde_json::Value =
            serde_json::from_str(&crate::app::spec_json().unwrap_or_default()).unwrap_or_default();
        let schemas = &document["components"]["schemas"];
        let ready = &schemas[READY_TO_SEND];
        assert!(ready["allOf"].is_array(), "{ready}");
        for name in ["ReferralInput", "TransportMeans", "Signatory"] {
            assert!(schemas[name].is_object(), "{name}");
        }
        // A one-line doc comment is the operation's summary.
        let send = &document["paths"]["/api/v1/referrals/{id}/send"]["post"]["summary"];
        assert!(
            send.as_str().is_some_and(|d| d.contains(READY_TO_SEND)),
            "{send}"
        );
    }

    /// Every operation that needs `If-Match` lists 428; every one but the liveness probe
    /// lists 503.
    #[test]
    fn preconditions_and_unavailability_are_listed() {
        let spec = crate::app::spec();
        for (path, item) in &spec.paths.paths {
            for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                let responses = &operation.responses.responses;
                if needs_if_match(operation) {
                    assert!(responses.contains_key("428"), "{path}");
                }
                assert_eq!(responses.contains_key("503"), path != "/healthz", "{path}");
            }
        }
    }

    #[test]
    fn every_signed_in_operation_but_self_service_may_ask_for_a_password_change() {
        let spec = crate::app::spec();
        let mut self_service = Vec::new();
        for (path, item) in &spec.paths.paths {
            for (method, operation) in [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("patch", &item.patch),
            ] {
                let Some(operation) = operation else { continue };
                let signed_in = operation.security != Some(vec![SecurityRequirement::default()]);
                let forbidden = match operation.responses.responses.get("403") {
                    Some(utoipa::openapi::RefOr::T(response)) => response.description.clone(),
                    _ => String::new(),
                };
                let asks = forbidden.contains("password_change_required");
                if SELF_SERVICE.contains(&(method, path.as_str())) {
                    assert!(!asks, "{method} {path} answers a temporary password");
                    self_service.push((method, path.as_str()));
                } else {
                    assert_eq!(asks, signed_in, "{method} {path}: {forbidden}");
                }
            }
        }
        assert_eq!(
            self_service.len(),
            SELF_SERVICE.len(),
            "every listed operation exists"
        );
    }
}
