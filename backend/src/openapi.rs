//! The OpenAPI document: paths are collected from the routes as they are registered
//! (see `app::api`), this adds the title, tags, the bearer security scheme and the
//! problem answers common to every operation of a kind.

pub mod problems;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

use problems::{
    MalformedBody, MalformedParameter, NotJson, PasswordChangeRequired, ProblemAnswer, TooLarge,
    Unauthorized, UnknownReference,
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
    // Enums used only in query parameters, and the problem body, which the routes name
    // through `problems` rather than register themselves.
    components(schemas(
        shared::referral::ReferralBox,
        shared::consultation::CaseBox,
        shared::error::Problem
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
        (name = "referrals", description = "Chuyển tuyến — referrals, follow-ups, destinations"),
        (name = "consultations", description = "Hội chẩn — consultation sessions (calendar) and case requests"),
        (name = "rotations", description = "Luân phiên — rotation plans, demands, assignments, generator, calendar feeds"),
        (name = "plans", description = "Kế hoạch hỗ trợ — support plans, versions, indicators, evaluations, reports, support requests"),
        (name = "audit", description = "Nhật ký — audit trail (admins)"),
        (name = "system", description = "Health and readiness"),
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
            if operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                common.push(MalformedParameter::entry());
            }
            if operation.request_body.is_some() {
                common.extend([
                    MalformedBody::entry(),
                    TooLarge::entry(),
                    NotJson::entry(),
                    UnknownReference::entry(),
                ]);
            }
            for (status, response) in common {
                operation
                    .responses
                    .responses
                    .entry(status)
                    .or_insert_with(|| response.into());
            }
        }
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
