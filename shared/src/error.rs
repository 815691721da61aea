//! Error codes and the RFC 9457 problem document every failed request answers with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

labelled_enum! {
    /// A stable, machine-readable error code. The problem document's `type` is
    /// `urn:tuyen:problem:<code>`; clients switch on it, people read the label.
    pub enum ErrorCode {
        BadRequest = "bad_request", "Yêu cầu không hợp lệ", "Bad request";
        ValidationFailed = "validation_failed", "Dữ liệu không hợp lệ", "Validation failed";
        Unauthorized = "unauthorized", "Chưa đăng nhập hoặc phiên đã hết hạn", "Not signed in or session expired";
        InvalidCredentials = "invalid_credentials", "Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password";
        Forbidden = "forbidden", "Không có quyền thực hiện thao tác này", "You may not do this";
        NotFound = "not_found", "Không tìm thấy", "Not found";
        MethodNotAllowed = "method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này", "Method not allowed for this resource";
        Conflict = "conflict", "Xung đột với dữ liệu hiện có", "Conflicts with existing data";
        IdempotencyConflict = "idempotency_conflict", "Khóa Idempotency-Key đã dùng cho một yêu cầu khác", "Idempotency-Key already used for a different request";
        InvalidReference = "invalid_reference", "Tham chiếu tới bản ghi không tồn tại", "Refers to a record that does not exist";
        PreconditionFailed = "precondition_failed", "Dữ liệu đã bị người khác thay đổi, hãy tải lại", "The record changed since you read it; reload";
        PreconditionRequired = "precondition_required", "Cần gửi kèm phiên bản (If-Match)", "An If-Match version is required";
        PayloadTooLarge = "payload_too_large", "Dữ liệu gửi lên quá lớn", "Request body too large";
        UnsupportedMediaType = "unsupported_media_type", "Định dạng dữ liệu không được hỗ trợ", "Unsupported media type";
        TooManyRequests = "too_many_requests", "Quá nhiều lần thử, vui lòng đợi", "Too many attempts, please wait";
        AccountDisabled = "account_disabled", "Tài khoản đã bị khóa", "Account disabled";
        PasswordChangeRequired = "password_change_required", "Cần đổi mật khẩu trước", "Change your password first";
        InvalidTransition = "invalid_transition", "Không thể chuyển trạng thái này", "This transition is not allowed";
        RotationRulesBroken = "rotation_rules_broken", "Phân công vi phạm quy định luân phiên", "The assignment breaks rotation rules";
        ServiceUnavailable = "service_unavailable", "Dịch vụ tạm thời không sẵn sàng", "Service unavailable";
        Internal = "internal", "Lỗi hệ thống, vui lòng thử lại", "Internal error, please try again";
    }
}

impl ErrorCode {
    /// The HTTP status this code is answered with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden
            | ErrorCode::AccountDisabled
            | ErrorCode::PasswordChangeRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict | ErrorCode::IdempotencyConflict | ErrorCode::InvalidTransition => {
                409
            }
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed
            | ErrorCode::InvalidReference
            | ErrorCode::RotationRulesBroken => 422,
            ErrorCode::PreconditionRequired => 428,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// The problem `type` URI for this code.
    pub fn type_uri(self) -> String {
        format!("urn:tuyen:problem:{}", self.as_str())
    }
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `urn:tuyen:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short human summary of the kind of problem.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Human explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable error code (same as the tail of `type`).
    pub code: ErrorCode,
    /// For validation failures: field path → messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// The request id, to quote when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// The messages for one field, empty when it has none.
    pub fn field_errors(&self, field: &str) -> &[String] {
        self.errors
            .as_ref()
            .and_then(|errors| errors.get(field))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Labelled, Lang};

    #[test]
    fn every_code_has_a_status_and_labels() {
        for code in ErrorCode::all() {
            assert!((400..600).contains(&code.status()), "{code}");
            assert!(!code.label(Lang::Vi).is_empty());
            assert!(!code.label(Lang::En).is_empty());
            assert_ne!(code.label(Lang::Vi), code.label(Lang::En), "{code}");
            assert_eq!(code.type_uri(), format!("urn:tuyen:problem:{code}"));
        }
    }

    #[test]
    fn codes_round_trip_through_json_and_text() {
        let json = serde_json::to_string(&ErrorCode::PreconditionFailed).unwrap_or_default();
        assert_eq!(json, "\"precondition_failed\"");
        assert_eq!(
            "idempotency_conflict".parse::<ErrorCode>().ok(),
            Some(ErrorCode::IdempotencyConflict)
        );
    }
}
