//! The OpenAPI document: paths are collected from the routes as they are registered
//! (see `app::api`), this adds the title, tags, the bearer security scheme and the
//! problem answers common to every operation of a kind.

pub mod problems;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

use problems::{
    MalformedBody, MalformedParameter, NotJson, ProblemAnswer, TooLarge, Unauthorized,
    UnknownReference,
};

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
/// place rather than named on each route: 401 where a token is needed, 400 where a path
/// or query parameter can be malformed, and 400/413/415/422 where a JSON body is read.
/// An answer a route names itself (with its own description) is kept.
pub fn add_common_problems(openapi: &mut utoipa::openapi::OpenApi) {
    let public = Some(vec![SecurityRequirement::default()]);
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let mut common = Vec::new();
            if operation.security != public {
                common.push(Unauthorized::entry());
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
