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
                for error in list {
                    // A rule over the whole form may name the field it is about.
                    let path = match param(error, FIELD_PARAM) {
                        Some(named) if field == FORM_FIELD && prefix.is_empty() => named,
                        Some(named) if field == FORM_FIELD => format!("{prefix}.{named}"),
                        _ => path.clone(),
                    };
                    out.entry(path).or_default().push(message(error, lang));
                }
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
        "control_characters" => (
            "Không được chứa ký tự điều khiển (xuống dòng, tab…)",
            "Must not contain control characters (line breaks, tabs…)",
        ),
        "control_characters_multi_line" => (
            "Không được chứa ký tự điều khiển (ngoài xuống dòng và tab)",
            "Must not contain control characters other than line breaks and tabs",
        ),
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
        "unknown_specialty" => (
            "Chuyên khoa không có trong danh mục",
            "Not a specialty of the catalogue",
        ),
        "self_reference" => (
            "Không thể tham chiếu tới chính bản ghi này",
            "A record cannot refer to itself",
        ),
        "duplicate" => ("Giá trị bị trùng lặp", "Duplicate value"),
        "holiday_year" => (
            "Ngày nghỉ lễ phải thuộc các năm 2000–2100",
            "A holiday must fall in the years 2000–2100",
        ),
        "too_many" => ("Danh sách quá dài", "The list is too long"),
        "weekdays" => (
            "Chọn ít nhất một ngày trong tuần",
            "Choose at least one day of the week",
        ),
        "no_days" => (
            "Không có ngày nào trong khoảng thời gian và các ngày đã chọn",
            "No day falls in the dates and weekdays chosen",
        ),
        "period_too_long" => (
            "Kỳ lập lịch dài tối đa hai năm",
            "A period is at most two years long",
        ),
        "icd10_format" => (
            "Mã ICD-10 không đúng định dạng (ví dụ A09, E11.9, S72.00)",
            "ICD-10 code is malformed (e.g. A09, E11.9, S72.00)",
        ),
        "citizen_id" => (
            "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số",
            "Citizen ID must be exactly 12 digits",
        ),
        "insurance_number" => (
            "Số thẻ BHYT gồm 10 chữ số (mã số BHXH) hoặc 15 ký tự theo mẫu thẻ cũ (ví dụ DN4797915123456)",
            "Insurance number: 10 digits (social insurance number) or the 15-character card format (e.g. DN4797915123456)",
        ),
        "birth_required" => (
            "Cần nhập ngày sinh hoặc năm sinh",
            "Enter a birth date or a birth year",
        ),
        "birth_in_future" => (
            "Ngày sinh không được ở tương lai",
            "The birth date cannot be in the future",
        ),
        "birth_mismatch" => (
            "Năm sinh không khớp với ngày sinh",
            "Birth year does not match the birth date",
        ),
        "diagnosis_required" => (
            "Cần ít nhất một chẩn đoán có mã ICD-10 trước khi gửi phiếu chuyển",
            "At least one ICD-10 diagnosis is needed before sending",
        ),
        "required_to_send" => (
            "Bắt buộc nhập trước khi gửi phiếu chuyển",
            "Required before the slip is sent",
        ),
        "escort_required" => (
            "Chuyển cấp cứu phải có người hộ tống (họ tên, chức danh)",
            "An emergency transfer needs an escort (name and title)",
        ),
        "follow_ups_required" => (
            "Chuyển người bệnh về nơi chuyển đi cần ít nhất một hẹn theo dõi",
            "Returning the patient to the referrer needs at least one follow-up",
        ),
        "follow_ups_not_allowed" => (
            "Chỉ lập hẹn theo dõi khi chuyển người bệnh về nơi chuyển đi",
            "Follow-ups are set only when the patient returns to the referrer",
        ),
        "same_facility" => (
            "Cơ sở nhận phải khác cơ sở chuyển",
            "The receiving facility must differ from the referring one",
        ),
        "attachment_name" => (
            "Tên tệp đính kèm từ 1 đến 200 ký tự, không chứa dấu / hoặc \\",
            "Attachment names are 1 to 200 characters without / or \\",
        ),
        "same_facility_consult" => (
            "Cơ sở hội chẩn phải khác cơ sở đề nghị",
            "The consulting facility must differ from the requesting one",
        ),
        "meeting_url" => (
            "Đường dẫn phòng họp phải bắt đầu bằng https:// hoặc http:// và không có khoảng trắng",
            "The meeting link must start with https:// or http:// and contain no spaces",
        ),
        "meeting_url_required" => (
            "Buổi hội chẩn trực tuyến cần đường dẫn phòng họp",
            "An online session needs a meeting link",
        ),
        "location_required" => (
            "Buổi hội chẩn trực tiếp cần nơi tổ chức",
            "An in-person session needs a place",
        ),
        "too_many_sessions" => (
            "Một chuỗi tối đa 60 buổi",
            "A series has at most 60 sessions",
        ),
        "series_on_create_only" => (
            "Chỉ tạo chuỗi buổi hằng tuần khi tạo mới",
            "A weekly series is made only when creating",
        ),
        "refer_to_only_with_refer" => (
            "Chỉ chọn nơi chuyển khi kết luận chuyển tuyến",
            "A destination is given only with the conclusion to refer",
        ),
        "period" => (
            "Kỳ không hợp lệ (ví dụ 2026, 2026-H1, 2026-Q3, P1)",
            "Invalid period (e.g. 2026, 2026-H1, 2026-Q3, P1)",
        ),
        "phase_code" => ("Mã giai đoạn là P1 đến P9", "A phase code is P1 to P9"),
        "lines" => (
            "Mỗi dòng phải có nội dung, tối đa 2000 ký tự",
            "Every line needs text, at most 2000 characters",
        ),
        "metric_required" => (
            "Chỉ tiêu tự tính cần chọn cách tính",
            "A computed indicator needs a metric",
        ),
        "metric_for_computed_only" => (
            "Chỉ tiêu do trạm nhập không có cách tính",
            "An entered indicator has no metric",
        ),
        "basis_required" => (
            "Cần chọn chỉ tiêu làm điều kiện",
            "Choose the indicator that sets the condition",
        ),
        "threshold_required" => ("Cần nhập ngưỡng đạt", "Enter the threshold"),
        "duplicate_target" => (
            "Trùng chỉ tiêu cho cùng cơ sở và kỳ",
            "Two targets for the same facility and period",
        ),
        "duplicate_code" => ("Mã chỉ tiêu bị trùng", "Duplicate indicator code"),
        "activity_facility_not_supported" => (
            "Hoạt động chỉ dành cho các cơ sở được hỗ trợ của kế hoạch",
            "Activities serve only the plan's supported facilities",
        ),
        "basis_unknown" => (
            "Chỉ tiêu làm điều kiện không có trong kế hoạch",
            "The condition's indicator is not in the plan",
        ),
        "target_facility_not_supported" => (
            "Chỉ tiêu chỉ giao cho các cơ sở được hỗ trợ của kế hoạch",
            "Targets are set only for the plan's supported facilities",
        ),
        "phase_unknown" => (
            "Kế hoạch không có giai đoạn này",
            "The plan has no such phase",
        ),
        "avoided_weekdays" => (
            "Không thể xin tránh cả năm ngày làm việc (Thứ Hai đến Thứ Sáu)",
            "You cannot avoid all five working days (Monday to Friday)",
        ),
        "avoided_months" => (
            "Chọn tháng từ 1 đến 12, mỗi tháng một lần, tối đa 6 tháng",
            "Months 1 to 12, each once, at most six",
        ),
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

/// An email address, as `validator`'s `email` rule accepts it (RFC 5321 lengths, the
/// HTML form's local-part characters, a host name or an `[IP]` literal), written
/// without a regular expression: the `regex` engine it needed was ~300 KB of the SPA's
/// wasm for this one field. A non-ASCII host name (IDN) is taken label by label as
/// letters, digits and `-`.
pub fn email(value: &str) -> Result<(), ValidationError> {
    let ok = value.rsplit_once('@').is_some_and(|(user, domain)| {
        const SPECIAL: &str = ".!#$%&'*+/=?^_`{|}~-";
        let user_ok = (1..=64).contains(&user.chars().count())
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || SPECIAL.contains(c));
        let label_ok = |label: &str| {
            (1..=63).contains(&label.chars().count())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        let domain_ok = domain.chars().count() <= 255
            && (domain.split('.').all(label_ok)
                || domain
                    .strip_prefix('[')
                    .and_then(|d| d.strip_suffix(']'))
                    .is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok()));
        user_ok && domain_ok
    });
    if ok { Ok(()) } else { Err(error("email")) }
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

/// The parameter by which a struct-level error names the field it belongs to.
const FIELD_PARAM: &str = "field";

/// Builds the struct-level error for an end date (`field`) before its start date; the
/// message is shown beside `field`.
pub fn date_order_error(field: &'static str) -> ValidationError {
    on_field(error("date_order"), field)
}

/// Attaches a struct-level error to one field, so forms show it beside that input.
pub fn on_field(mut error: ValidationError, field: &'static str) -> ValidationError {
    error.add_param(FIELD_PARAM.into(), &field);
    error
}

/// An ICD-10 (WHO) code as written on Vietnamese slips: one uppercase letter (`U`
/// included, e.g. `U07.1`), two digits, then optionally a dot and 1–4 uppercase letters
/// or digits (`A09`, `E11.9`, `S72.00`). Lowercase input and dagger/asterisk marks are
/// refused; forms normalise with [`normalize_icd10`] before sending.
pub fn icd10_code(value: &str) -> Result<(), ValidationError> {
    let bytes = value.as_bytes();
    let category = bytes.len() >= 3
        && bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_digit();
    let subcategory = match bytes.get(3..).and_then(<[u8]>::split_first) {
        None => true,
        Some((b'.', tail)) => {
            (1..=4).contains(&tail.len())
                && tail
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        Some(_) => false,
    };
    if category && subcategory {
        Ok(())
    } else {
        Err(error("icd10_format"))
    }
}

/// Trims and uppercases what a person typed as an ICD-10 code (`" e11.9 "` → `"E11.9"`).
pub fn normalize_icd10(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

/// A citizen ID (số định danh cá nhân, on the CCCD card): exactly 12 digits.
pub fn citizen_id(value: &str) -> Result<(), ValidationError> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(error("citizen_id"))
    }
}

/// A health-insurance number: the 10-digit social-insurance number that identifies a
/// card since 2025, or the 15-character number printed on older cards — two uppercase
/// letters (beneficiary group, e.g. `DN`), the benefit level `1`–`5`, then 12 digits
/// (2 for the province, 10 for the social-insurance number): `DN4797915123456`.
pub fn insurance_number(value: &str) -> Result<(), ValidationError> {
    let bytes = value.as_bytes();
    let new_format = bytes.len() == 10 && bytes.iter().all(u8::is_ascii_digit);
    let card_format = bytes.len() == 15
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && (b'1'..=b'5').contains(&bytes[2])
        && bytes[3..].iter().all(u8::is_ascii_digit);
    if new_format || card_format {
        Ok(())
    } else {
        Err(error("insurance_number"))
    }
}

/// Attachment names: 1–200 characters each, no path separators, each listed once.
pub fn attachment_names(values: &[String]) -> Result<(), ValidationError> {
    let mut seen = std::collections::BTreeSet::new();
    for value in values {
        let length = value.trim().chars().count();
        if !(1..=200).contains(&length)
            || value.contains(['/', '\\'])
            || value.chars().any(char::is_control)
        {
            return Err(error("attachment_name"));
        }
        if !seen.insert(value) {
            return Err(error("duplicate"));
        }
    }
    Ok(())
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
        _ => Err(on_field(error("coordinates"), "latitude")),
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

    #[test]
    fn icd10_codes_accept_the_who_shapes() {
        for good in [
            "A00", "A09", "E11", "E11.9", "S72.00", "U07.1", "Z99.89", "T14.0A", "C34.1234",
        ] {
            assert!(icd10_code(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn icd10_codes_refuse_everything_else() {
        for bad in [
            "",
            "E",
            "E1",
            "e11.9",
            "E11.",
            "E11.12345",
            "E119",
            "11.9",
            "EE1",
            "E1A",
            "E11-9",
            " E11",
            "E11 ",
            "E11.9†",
            "G01*",
            "E11..9",
            "É11",
            "E11.9a",
        ] {
            assert!(icd10_code(bad).is_err(), "{bad:?}");
        }
        assert_eq!(normalize_icd10(" e11.9 "), "E11.9");
        let vi = message(&ValidationError::new("icd10_format"), Lang::Vi);
        assert!(vi.starts_with("Mã ICD-10"), "{vi}");
    }

    #[test]
    fn identity_numbers_follow_vietnamese_formats() {
        assert!(citizen_id("079085001234").is_ok());
        assert!(citizen_id("07908500123").is_err());
        assert!(citizen_id("0790850012345").is_err());
        assert!(citizen_id("07908500123a").is_err());
        assert!(insurance_number("7915123456").is_ok());
        assert!(insurance_number("DN4797915123456").is_ok());
        assert!(insurance_number("HC1797915123456").is_ok());
        assert!(
            insurance_number("DN6797915123456").is_err(),
            "benefit level is 1-5"
        );
        assert!(insurance_number("dn4797915123456").is_err());
        assert!(insurance_number("DN479791512345").is_err());
        assert!(insurance_number("791512345").is_err());
        assert!(insurance_number("D14797915123456").is_err());
    }

    #[test]
    fn attachment_names_are_plain_and_unique() {
        assert!(attachment_names(&["xquang-nguc.jpg".into(), "ecg.pdf".into()]).is_ok());
        assert!(attachment_names(&["../etc/passwd".into()]).is_err());
        assert!(attachment_names(&["a\\b.pdf".into()]).is_err());
        assert!(attachment_names(&[" ".into()]).is_err());
        assert!(attachment_names(&["a.pdf".into(), "a.pdf".into()]).is_err());
    }

    #[test]
    fn email_agrees_with_validators_rule() {
        use validator::ValidateEmail;
        let long_user = format!("{}@x.vn", "a".repeat(65));
        let long_label = format!("a@{}.vn", "b".repeat(64));
        for (value, valid) in [
            ("bacsi@benhvien.gov.vn", true),
            ("a.b+c_d@x-y.vn", true),
            ("o'neil@example.com", true),
            ("user@localhost", true),
            ("user@[127.0.0.1]", true),
            ("user@[::1]", true),
            ("thư@bệnhviện.vn", false),
            ("user@bệnhviện.vn", true),
            ("", false),
            ("no-at.example.com", false),
            ("@example.com", false),
            ("user@", false),
            ("user@-x.vn", false),
            ("user@x-.vn", false),
            ("user@x..vn", false),
            ("user@x_y.vn", false),
            ("us er@x.vn", false),
            ("a@b@c.vn", false),
            ("user@[1.2.3]", false),
            (long_user.as_str(), false),
            (long_label.as_str(), false),
        ] {
            assert_eq!(email(value).is_ok(), valid, "{value:?}");
            assert_eq!(
                value.to_owned().validate_email(),
                valid,
                "validator on {value:?}"
            );
        }
    }
}
