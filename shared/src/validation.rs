//! Validation rules shared by the API and the SPA, and the messages people read when
//! input is refused. The backend and the browser run the same `validator` derives, so a
//! form shows the server's message before the request is even sent.

use std::collections::BTreeMap;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::Lang;

/// Key under which struct-level (cross-field) errors are reported.
pub const FORM_FIELD: &str = "__all__";

/// Flattens `validator` errors into `field path → messages` in the given language.
/// Nested fields are joined with dots and list items with `[i]`: `leaves[0].end_date`.
pub fn field_messages(errors: &ValidationErrors, lang: Lang) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    collect(errors, "", lang, &mut out);
    out
}

fn collect(
    errors: &ValidationErrors,
    prefix: &str,
    lang: Lang,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else if field == FORM_FIELD {
            prefix.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                let messages = out.entry(path).or_default();
                messages.extend(list.iter().map(|error| message(error, lang)));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, lang, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), lang, out);
                }
            }
        }
    }
}

fn param(error: &ValidationError, name: &str) -> Option<String> {
    error.params.get(name).map(|value| match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// The message for one validation error. An explicit `message` on the rule wins;
/// otherwise the code decides.
pub fn message(error: &ValidationError, lang: Lang) -> String {
    if let Some(text) = &error.message {
        return text.to_string();
    }
    let min = param(error, "min");
    let max = param(error, "max");
    let vi = lang == Lang::Vi;
    match (error.code.as_ref(), min, max) {
        ("length", Some(min), Some(max)) if min == "1" => {
            if vi {
                format!("Bắt buộc nhập, tối đa {max} ký tự")
            } else {
                format!("Required, at most {max} characters")
            }
        }
        ("length", Some(min), Some(max)) => {
            if vi {
                format!("Độ dài từ {min} đến {max} ký tự")
            } else {
                format!("Length must be {min} to {max} characters")
            }
        }
        ("length", Some(min), None) => {
            if vi {
                format!("Tối thiểu {min} ký tự")
            } else {
                format!("At least {min} characters")
            }
        }
        ("length", None, Some(max)) => {
            if vi {
                format!("Tối đa {max} ký tự")
            } else {
                format!("At most {max} characters")
            }
        }
        ("range", Some(min), Some(max)) => {
            if vi {
                format!("Giá trị phải từ {min} đến {max}")
            } else {
                format!("Must be between {min} and {max}")
            }
        }
        ("range", Some(min), None) => {
            if vi {
                format!("Giá trị phải từ {min} trở lên")
            } else {
                format!("Must be at least {min}")
            }
        }
        ("range", None, Some(max)) => {
            if vi {
                format!("Giá trị tối đa là {max}")
            } else {
                format!("Must be at most {max}")
            }
        }
        (code, _, _) => code_message(code, lang).to_string(),
    }
}

fn code_message(code: &str, lang: Lang) -> &'static str {
    let (vi, en) = match code {
        "required" => ("Bắt buộc nhập", "Required"),
        "blank" => ("Không được để trống", "Must not be blank"),
        "email" => ("Địa chỉ email không hợp lệ", "Invalid email address"),
        "phone" => ("Số điện thoại không hợp lệ", "Invalid phone number"),
        "code_format" => (
            "Mã chỉ gồm chữ, số, dấu gạch ngang hoặc gạch dưới (tối đa 32 ký tự)",
            "Code may hold letters, digits, '-' and '_' only (at most 32)",
        ),
        "username_format" => (
            "Tên đăng nhập chỉ gồm chữ thường, số, dấu chấm, gạch dưới (3–64 ký tự)",
            "Username: lowercase letters, digits, '.', '_' (3–64 characters)",
        ),
        "password_strength" => (
            "Mật khẩu tối thiểu 10 ký tự, có cả chữ và số",
            "Password: at least 10 characters with letters and digits",
        ),
        "date_order" => (
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu",
            "End date must not be before start date",
        ),
        "coordinates" => (
            "Tọa độ phải gồm cả vĩ độ (-90..90) và kinh độ (-180..180)",
            "Coordinates need both latitude (-90..90) and longitude (-180..180)",
        ),
        "specialty_code" => ("Mã chuyên khoa không hợp lệ", "Invalid specialty code"),
        "self_reference" => (
            "Không thể tham chiếu tới chính bản ghi này",
            "A record cannot refer to itself",
        ),
        "duplicate" => ("Giá trị bị trùng lặp", "Duplicate value"),
        _ => ("Giá trị không hợp lệ", "Invalid value"),
    };
    if lang == Lang::Vi { vi } else { en }
}

fn error(code: &'static str) -> ValidationError {
    ValidationError::new(code)
}

/// Rejects text that is empty after trimming.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(error("blank"))
    } else {
        Ok(())
    }
}

/// A registry code: 1–32 ASCII letters, digits, `-` or `_`.
pub fn code_format(value: &str) -> Result<(), ValidationError> {
    let ok = (1..=32).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(error("code_format"))
    }
}

/// A login name: 3–64 of `a-z 0-9 . _ -`.
pub fn username_format(value: &str) -> Result<(), ValidationError> {
    let ok = (3..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(error("username_format"))
    }
}

/// A password of at least 10 characters holding both letters and digits.
pub fn password_strength(value: &str) -> Result<(), ValidationError> {
    let ok = value.chars().count() >= 10
        && value.chars().count() <= 128
        && value.chars().any(char::is_alphabetic)
        && value.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(error("password_strength"))
    }
}

/// A Vietnamese phone number: digits with optional `+`, spaces, dots or dashes, 8–15 digits.
pub fn phone(value: &str) -> Result<(), ValidationError> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let ok = (8..=15).contains(&digits)
        && value.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-') || (c == '+' && i == 0)
        });
    if ok { Ok(()) } else { Err(error("phone")) }
}

/// A specialty or technique code: lowercase snake case, 2–48 characters.
pub fn specialty_code(value: &str) -> Result<(), ValidationError> {
    let ok = (2..=48).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(error("specialty_code"))
    }
}

/// Every item of a list of specialty codes is well formed and appears once.
pub fn specialty_codes(values: &[String]) -> Result<(), ValidationError> {
    let mut seen = std::collections::BTreeSet::new();
    for value in values {
        specialty_code(value)?;
        if !seen.insert(value) {
            return Err(error("duplicate"));
        }
    }
    Ok(())
}

/// Builds the struct-level error for an end date before its start date.
pub fn date_order_error() -> ValidationError {
    error("date_order")
}

/// Both or neither of latitude and longitude, each within range.
pub fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> Result<(), ValidationError> {
    match (latitude, longitude) {
        (None, None) => Ok(()),
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(())
        }
        _ => Err(error("coordinates")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Form {
        #[validate(length(min = 1, max = 10))]
        name: String,
        #[validate(range(min = 0, max = 31))]
        days: i32,
        #[validate(custom(function = "code_format"))]
        code: String,
    }

    #[test]
    fn messages_follow_the_language_and_parameters() {
        let form = Form {
            name: String::new(),
            days: 40,
            code: "a b".into(),
        };
        let errors = form.validate().err().unwrap_or_default();
        let vi = field_messages(&errors, Lang::Vi);
        assert_eq!(vi["name"], vec!["Bắt buộc nhập, tối đa 10 ký tự"]);
        assert_eq!(vi["days"], vec!["Giá trị phải từ 0 đến 31"]);
        assert!(vi["code"][0].starts_with("Mã chỉ gồm"));
        let en = field_messages(&errors, Lang::En);
        assert_eq!(en["days"], vec!["Must be between 0 and 31"]);
    }

    #[test]
    fn custom_rules_accept_and_refuse() {
        assert!(code_format("79-001_A").is_ok());
        assert!(code_format("").is_err());
        assert!(code_format("có dấu").is_err());
        assert!(username_format("kehoach.ta").is_ok());
        assert!(username_format("Ke Hoach").is_err());
        assert!(password_strength("tuyen2026demo").is_ok());
        assert!(password_strength("short1").is_err());
        assert!(password_strength("onlyletterslong").is_err());
        assert!(phone("+84 274 3755 123").is_ok());
        assert!(phone("0274-3755-123").is_ok());
        assert!(phone("12ab").is_err());
        assert!(phone("12+345678").is_err());
        assert!(specialty_codes(&["noi_khoa".into(), "nhi".into()]).is_ok());
        assert!(specialty_codes(&["nhi".into(), "nhi".into()]).is_err());
        assert!(specialty_codes(&["Nhi".into()]).is_err());
        assert!(coordinates(None, None).is_ok());
        assert!(coordinates(Some(10.9), Some(106.7)).is_ok());
        assert!(coordinates(Some(10.9), None).is_err());
        assert!(coordinates(Some(91.0), Some(0.0)).is_err());
        assert!(not_blank("  ").is_err());
    }
}
