//! The request log: one span per request (method, route pattern, redacted target,
//! client address, request id) and one line when it is answered. Logs are read by more
//! people and kept longer than the database's audit trail, so they carry no secrets and
//! no patient data: the calendar-feed secret in a path and every query value that is
//! not plainly harmless (`?q=` holds patient names) are written `[redacted]`, and no
//! header is logged at all (`Authorization` included).

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

/// What stands for a removed value.
pub const REDACTED: &str = "[redacted]";

/// Query parameters whose values are logged as they are: paging, filters by status,
/// date, period or record id — never free text, names or tokens.
const PLAIN_PARAMS: &[&str] = &[
    "limit",
    "cursor",
    "status",
    "mailbox",
    "direction",
    "urgency",
    "overdue",
    "facility_id",
    "date_from",
    "date_to",
    "period",
    "role",
    "active",
    "year",
    "plan_id",
    "mine",
    "entity",
    "action",
];

/// Path segments after which the next segment is a secret (`/calendar-feeds/{secret}`).
const SECRET_AFTER: &[&str] = &["calendar-feeds"];

/// `path?query` as the log may show it.
pub fn redact_target(path: &str, query: &str) -> String {
    let mut secret_next = false;
    let path = path
        .split('/')
        .map(|segment| {
            let shown = if secret_next && !segment.is_empty() {
                REDACTED
            } else {
                segment
            };
            secret_next = SECRET_AFTER.contains(&segment);
            shown
        })
        .collect::<Vec<_>>()
        .join("/");
    if query.is_empty() {
        return path;
    }
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if PLAIN_PARAMS.contains(&name) => format!("{name}={value}"),
            Some((name, _)) if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                format!("{name}={REDACTED}")
            }
            _ => REDACTED.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

/// The request span of [`tracing_actix_web::TracingLogger`], redacted.
pub struct RequestLog;

impl RootSpanBuilder for RequestLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let client = request
            .peer_addr()
            .map(|addr| addr.ip().to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            target = %redact_target(request.path(), request.query_string()),
            route = Empty,
            client = %client,
            request_id = %request_id,
            status = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => {
                if let Some(route) = response.request().match_pattern() {
                    span.record("route", tracing::field::display(route));
                }
                response.status()
            }
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        span.in_scope(|| {
            // The span carries the status and the rest.
            if status.is_server_error() {
                tracing::warn!("answered");
            } else {
                tracing::info!("answered");
            }
        });
    }
}

/// Installs the process's log output: the `TUYEN_LOG` filter (default
/// `info,actix_server=warn`), text or one JSON object per line (`json`), to `writer`.
pub fn init<W>(json: bool, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env("TUYEN_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_free_text_are_redacted_and_the_rest_kept() {
        assert_eq!(
            redact_target("/api/v1/calendar-feeds/AbCdEf123/calendar.ics", ""),
            "/api/v1/calendar-feeds/[redacted]/calendar.ics"
        );
        assert_eq!(
            redact_target("/api/v1/calendar-feeds", ""),
            "/api/v1/calendar-feeds"
        );
        assert_eq!(
            redact_target(
                "/api/v1/referrals",
                "q=Tr%E1%BA%A7n%20V%C4%83n&status=sent&limit=20&access_token=abc&x%3D=1&odd"
            ),
            "/api/v1/referrals?q=[redacted]&status=sent&limit=20&access_token=[redacted]\
             &[redacted]&[redacted]"
        );
        assert_eq!(redact_target("/api/v1/me", ""), "/api/v1/me");
    }
}
