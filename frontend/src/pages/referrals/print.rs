//! `/referrals/:id/print`: the slip laid out like the official form, "Phiếu chuyển cơ
//! sở khám bệnh, chữa bệnh bảo hiểm y tế" (Circular 01/2025/TT-BYT, Appendix VI), on
//! an A4 sheet. The slip is a Vietnamese document whatever the interface language;
//! only the toolbar above it follows the language switch. The print rules in
//! `style.css` drop the app's frame and the toolbar.

use chrono::{Timelike, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::referral::{Patient, Referral, ReferralReason, ReferralStatus};
use shared::registry::specialty_label;
use shared::time::{administrative_date, to_vietnam, vietnam_date};
use shared::{Labelled, Lang};

use super::{InvalidReferralId, referral_href, use_id_param};
use crate::api::{self, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// `/referrals/:id/print`.
#[component]
pub fn SlipPrintPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PrintableSlip id /> }.into_any(),
        None => view! { <InvalidReferralId /> }.into_any(),
    }
}

/// Opens the browser's print dialog (the CSP allows no inline script, so not `onclick`).
fn print_page() {
    if let Some(window) = web_sys::window()
        && let Err(error) = window.print()
    {
        leptos::logging::warn!("could not open the print dialog: {error:?}");
    }
}

/// Where the slip is signed ("Phường An Phú") and the names above the facility's: its
/// supervising body, when the registry knows it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Issuer {
    place: Option<String>,
    parent: Option<String>,
}

#[component]
fn PrintableSlip(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    // The issuing facility's place and parent are decoration: without them the slip
    // prints with a blank to fill in by hand.
    let slip = LocalResource::new(move || async move {
        let referral = api::referrals::get(api, id).await?;
        let issuer = issuer_of(api, &referral).await;
        Ok((referral, issuer))
    });

    view! {
        <section class="page slip-page">
            <div class="slip-toolbar">
                <A href=referral_href(id)>{move || lang.t(Key::BackToReferral)}</A>
                <button type="button" class="button primary" id="print-slip" on:click=move |_| print_page()>
                    {move || lang.t(Key::PrintSlip)}
                </button>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        slip.await,
                        move |(referral, issuer)| match referral.patient.clone() {
                            Some(patient) => view! { <Slip referral patient issuer /> }.into_any(),
                            None => {
                                view! {
                                    <div class="notice" role="status">
                                        <p>{move || lang.t(Key::PrintNeedsPatient)}</p>
                                    </div>
                                }
                                    .into_any()
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

async fn issuer_of(api: crate::api::Api, referral: &Referral) -> Issuer {
    let Ok(facility) = api::registry::facility(api, referral.from_facility.id).await else {
        return Issuer::default();
    };
    let parent = match facility.supervising_id {
        Some(parent) => api::registry::facility(api, parent)
            .await
            .ok()
            .map(|parent| parent.name),
        None => None,
    };
    Issuer {
        place: facility.ward.or(Some(facility.province)),
        parent,
    }
}

/// A value, or a dotted line to fill in by hand.
fn filled(value: Option<String>) -> AnyView {
    match value.filter(|value| !value.trim().is_empty()) {
        Some(value) => view! { <span class="slip-value">{value}</span> }.into_any(),
        None => view! { <span class="slip-blank"></span> }.into_any(),
    }
}

/// One numbered line of the form.
#[component]
fn Line(number: u8, label: &'static str, children: Children) -> impl IntoView {
    view! {
        <p class="slip-line">
            <span class="slip-number">{number} "."</span>
            <span class="slip-label">{label} ": "</span>
            {children()}
        </p>
    }
}

/// The sheet.
#[component]
fn Slip(referral: Referral, patient: Patient, issuer: Issuer) -> impl IntoView {
    let clinical = referral.clinical.clone().unwrap_or_default();
    let draft = referral.status == ReferralStatus::Draft;
    let signed_on = referral
        .signed_on
        .unwrap_or_else(|| vietnam_date(Utc::now()));
    let birth = match (patient.birth_date, patient.birth_year) {
        (Some(date), _) => Some(("Ngày sinh", date.format("%d/%m/%Y").to_string())),
        (None, Some(year)) => Some(("Năm sinh", year.to_string())),
        _ => None,
    };
    let (birth_label, birth_value) = match birth {
        Some((label, value)) => (label, Some(value)),
        None => ("Ngày sinh", None),
    };
    let diagnoses = clinical
        .diagnoses
        .iter()
        .map(|d| format!("{} – {}", d.code, d.name))
        .collect::<Vec<_>>()
        .join("; ");
    let prior = clinical
        .previously_treated_at
        .iter()
        .map(|stay| {
            let from = stay.from_date.map(|d| d.format("%d/%m/%Y").to_string());
            let to = stay.to_date.map(|d| d.format("%d/%m/%Y").to_string());
            match (from, to) {
                (Some(from), Some(to)) => {
                    format!("{} từ ngày {from} đến ngày {to}", stay.facility_name)
                }
                (Some(from), None) => format!("{} từ ngày {from}", stay.facility_name),
                _ => stay.facility_name.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let sent_at = referral.sent_at.map(|at| {
        let local = to_vietnam(at);
        format!(
            "{:02} giờ {:02} phút, {}",
            local.hour(),
            local.minute(),
            administrative_date(local.date())
        )
    });
    let escort = [
        referral.transport.escort_name.clone(),
        referral.transport.escort_title.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let means = referral
        .transport
        .means
        .map(|means| means.label(Lang::Vi).to_string());
    let emergency = if referral.transport.emergency_centre_requested {
        "Có đề nghị Trung tâm cấp cứu 115 hỗ trợ vận chuyển"
    } else {
        "Không đề nghị Trung tâm cấp cứu 115"
    };
    let insurance_expiry = patient
        .insurance_expiry
        .map(|date| date.format("%d/%m/%Y").to_string());
    let reasons = ReferralReason::all()
        .iter()
        .map(|reason| {
            let checked = *reason == referral.reason;
            let mark = if checked { "☒" } else { "☐" };
            view! {
                <span class="slip-check" class:checked=checked>
                    <span class="slip-box" aria-hidden="true">{mark}</span>
                    {format!(" {}. {}", reason.number(), reason.label(Lang::Vi))}
                </span>
            }
        })
        .collect_view();
    let physician = referral.physician.clone();
    let signer = referral.signed_by.clone();
    let place = issuer.place.clone();

    view! {
        <article class="slip" lang="vi" id="slip" class:slip-draft=draft>
            {draft.then(|| view! { <p class="slip-watermark">{crate::i18n::t(Lang::Vi, Key::DraftWatermark)}</p> })}
            <header class="slip-head">
                <div class="slip-issuer">
                    {issuer.parent.map(|parent| view! { <p class="slip-parent">{parent.to_uppercase()}</p> })}
                    <p class="slip-facility">{referral.from_facility.name.to_uppercase()}</p>
                    <p class="slip-rule" aria-hidden="true"></p>
                    <p class="slip-number-line">"Số: " {referral.slip_number.clone()}</p>
                </div>
                <div class="slip-nation">
                    <p class="slip-country">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</p>
                    <p class="slip-motto">"Độc lập - Tự do - Hạnh phúc"</p>
                    <p class="slip-rule" aria-hidden="true"></p>
                </div>
            </header>
            <h1 class="slip-title">"PHIẾU CHUYỂN CƠ SỞ KHÁM BỆNH, CHỮA BỆNH BẢO HIỂM Y TẾ"</h1>
            <p class="slip-to">
                "Kính gửi: " <strong>{referral.to_facility.name.clone()}</strong>
                {clinical
                    .specialty
                    .clone()
                    .map(|code| {
                        view! {
                            <span id="slip-specialty">
                                " (chuyên khoa " {specialty_label(&code, Lang::Vi).to_string()} ")"
                            </span>
                        }
                    })}
            </p>
            <p class="slip-intro">
                "Cơ sở khám bệnh, chữa bệnh: " <strong>{referral.from_facility.name.clone()}</strong>
                " trân trọng giới thiệu:"
            </p>
            <div class="slip-fields">
                <Line number=1 label="Họ và tên người bệnh">
                    <strong class="slip-value">{patient.full_name.to_uppercase()}</strong>
                    <span class="slip-gap">"Giới tính: " {patient.sex.label(Lang::Vi)}</span>
                    <span class="slip-gap">{birth_label} ": " {filled(birth_value)}</span>
                </Line>
                <Line number=2 label="Số định danh cá nhân/Căn cước công dân">
                    {filled(patient.citizen_id.clone())}
                </Line>
                <Line number=3 label="Địa chỉ">
                    {filled(patient.address.clone())}
                </Line>
                <Line number=4 label="Dân tộc">
                    {filled(patient.ethnicity.clone())}
                    <span class="slip-gap">"Quốc tịch: " {filled(Some(patient.nationality.clone()))}</span>
                </Line>
                <Line number=5 label="Nghề nghiệp">
                    {filled(patient.occupation.clone())}
                    <span class="slip-gap">"Nơi làm việc: " {filled(patient.workplace.clone())}</span>
                </Line>
                <Line number=6 label="Số thẻ bảo hiểm y tế">
                    {filled(patient.insurance_number.clone())}
                    <span class="slip-gap">"Hạn sử dụng đến ngày: " {filled(insurance_expiry)}</span>
                </Line>
                <Line number=7 label="Đã được khám bệnh, điều trị tại">
                    {filled(Some(prior))}
                </Line>
                <h2 class="slip-section">"TÓM TẮT BỆNH ÁN"</h2>
                <Line number=8 label="Dấu hiệu lâm sàng">
                    {filled(Some(clinical.signs.clone()))}
                </Line>
                <Line number=9 label="Kết quả xét nghiệm, cận lâm sàng">
                    {filled(clinical.tests_summary.clone())}
                </Line>
                <Line number=10 label="Chẩn đoán">
                    {filled(Some(diagnoses))}
                </Line>
                <Line number=11 label="Phương pháp, thủ thuật, kỹ thuật, thuốc đã sử dụng trong điều trị">
                    {filled(clinical.treatment_given.clone())}
                </Line>
                <Line number=12 label="Tình trạng người bệnh lúc chuyển cơ sở khám bệnh, chữa bệnh">
                    {filled(Some(clinical.condition_at_transfer.clone()))}
                </Line>
                <div class="slip-line slip-reasons">
                    <span class="slip-number">"13."</span>
                    <span class="slip-label">"Lý do chuyển cơ sở khám bệnh, chữa bệnh: "</span>
                    <span class="slip-checks">{reasons}</span>
                    {referral
                        .reason_text
                        .clone()
                        .map(|text| view! { <span class="slip-reason-text">"Cụ thể: " {text}</span> })}
                </div>
                <Line number=14 label="Hướng điều trị">
                    {filled(clinical.treatment_direction.clone())}
                </Line>
                <Line number=15 label="Chuyển cơ sở khám bệnh, chữa bệnh hồi">
                    {filled(sent_at)}
                </Line>
                <Line number=16 label="Phương tiện vận chuyển">
                    {filled(means)}
                    <span class="slip-gap">"(" {emergency} ")"</span>
                </Line>
                <Line number=17 label="Họ tên, chức danh, trình độ chuyên môn của người hộ tống">
                    {filled(Some(escort))}
                </Line>
            </div>
            <p class="slip-validity">
                "Giấy chuyển tuyến có giá trị đến "
                {match referral.valid_until {
                    Some(until) => view! { <strong>{administrative_date(until)}</strong> }.into_any(),
                    None => view! { "ngày " <span class="slip-blank short"></span> " tháng " <span class="slip-blank short"></span> " năm " <span class="slip-blank short"></span> }.into_any(),
                }}
                {referral.long_validity.then_some(" (có giá trị 01 năm kể từ ngày ký)")}
            </p>
            <p class="slip-date">
                {place.unwrap_or_else(|| "……………".to_string())} ", " {administrative_date(signed_on)}
            </p>
            <div class="slip-signatures">
                <div class="slip-signature">
                    <p class="slip-sign-title">"Y, BÁC SĨ KHÁM, ĐIỀU TRỊ"</p>
                    <p class="slip-sign-hint">"(Ký và ghi rõ họ tên)"</p>
                    <p class="slip-sign-name">
                        {physician
                            .or_else(|| signer.clone())
                            .map(|person| person.full_name)
                            .unwrap_or_default()}
                    </p>
                </div>
                <div class="slip-signature">
                    <p class="slip-sign-title">"NGƯỜI CÓ THẨM QUYỀN CHUYỂN NGƯỜI BỆNH"</p>
                    <p class="slip-sign-hint">"(Ký tên, đóng dấu)"</p>
                    <p class="slip-sign-name">
                        {signer
                            .map(|person| match person.title {
                                Some(title) => format!("{title} {}", person.full_name),
                                None => person.full_name,
                            })
                            .unwrap_or_default()}
                    </p>
                </div>
            </div>
        </article>
    }
}
