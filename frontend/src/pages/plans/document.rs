//! The plan as its document reads (seed 004): the national header in two columns, "KẾ
//! HOẠCH" and the title, the căn cứ, the preamble, sections I–V with numbered
//! subsections, the closing, "Nơi nhận" and the signer; the indicators follow as an
//! appendix. The document is Vietnamese whatever the interface language.
//!
//! `/plans/:id` shows it inside the plan's page; `/plans/:id/document` is the print view
//! on an A4 sheet (the print rules in `style.css` drop the app's frame and toolbar).

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::plan::{
    Activity, ActivityGroup, BudgetLine, Indicator, LegalBasis, Milestone, Period, Plan,
    PlanStatus, Section,
};
use shared::{Labelled, Lang};

use super::download::DownloadButton;
use super::frame::{PlanTab, plan_page};
use super::{InvalidPlanId, format_number, plan_href, print_page, use_id_param};
use crate::api::plans::FileKind;
use crate::api::{self, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// `/plans/:id`: the plan's page on its document tab.
#[component]
pub fn PlanDocumentPage() -> impl IntoView {
    plan_page(PlanTab::Document, |plan| {
        view! { <DocumentTab plan /> }.into_any()
    })
}

/// The facts the document does not show, then the document.
#[component]
fn DocumentTab(plan: Plan) -> impl IntoView {
    let lang = use_lang();
    let facilities = plan
        .supported_facilities
        .iter()
        .map(|facility| facility.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let phases = plan
        .phases
        .iter()
        .map(|phase| {
            let (start, end) = (phase.start_date, phase.end_date);
            let text = format!("{} – {}", phase.code, phase.name);
            view! {
                <li>
                    {text} " (" {move || super::format_span(lang.get(), start, end)} ")"
                </li>
            }
        })
        .collect_view();
    let created_by = plan.created_by.clone();
    let updated = plan.updated_at;
    view! {
        <dl class="facts plan-facts">
            <div>
                <dt>{move || lang.t(Key::SupportedFacilities)}</dt>
                <dd id="plan-supported">{facilities}</dd>
            </div>
            {(!plan.phases.is_empty())
                .then(|| {
                    view! {
                        <div>
                            <dt>{move || lang.t(Key::Phases)}</dt>
                            <dd>
                                <ul class="plain-list">{phases}</ul>
                            </dd>
                        </div>
                    }
                })}
            <div>
                <dt>{move || lang.t(Key::CreatedBy)}</dt>
                <dd>
                    {created_by} " · "
                    {move || crate::i18n::format_datetime(lang.get(), updated)}
                </dd>
            </div>
        </dl>
        <div class="plan-doc-frame">
            <DocumentSheet plan />
        </div>
    }
}

/// `/plans/:id/document`: the print view.
#[component]
pub fn PlanPrintPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PrintableDocument id /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

#[component]
fn PrintableDocument(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let plan = LocalResource::new(move || api::plans::get(api, id));
    view! {
        <section class="page plan-doc-page">
            <div class="plan-doc-toolbar">
                <A href=plan_href(id)>{move || lang.t(Key::BackToPlan)}</A>
                <div class="header-links">
                    <button
                        type="button"
                        class="button primary"
                        id="plan-print-button"
                        on:click=move |_| print_page()
                    >
                        {move || lang.t(Key::Print)}
                    </button>
                    <DownloadButton id="plan-docx" label=Key::DownloadDocx file=FileKind::PlanDocx(id) />
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(plan.await, |plan| view! { <DocumentSheet plan /> })
                })}
            </Transition>
        </section>
    }
}

/// "ngày 02 tháng 3 năm 2026" (the day with two digits, the month as written in
/// administrative documents: two digits for January and February).
fn long_date(date: NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

/// "12.000.000": đồng with a dot between thousands.
fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if amount < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// "Căn cứ Quyết định số 1816/QĐ-BYT ngày 26 tháng 5 năm 2008 của Bộ Y tế về việc …;".
fn basis_sentence(basis: &LegalBasis) -> String {
    let mut text = format!("Căn cứ {} số {}", basis.kind.trim(), basis.number.trim());
    if let Some(date) = basis.issued_on {
        text.push(' ');
        text.push_str(&long_date(date));
    }
    text.push_str(&format!(" của {}", basis.issuer.trim()));
    let subject = basis.title.trim().trim_end_matches([';', '.']);
    if !subject.is_empty() {
        let lower = subject.to_lowercase();
        if lower.starts_with("về ")
            || lower.starts_with("quy định")
            || lower.starts_with("ban hành")
        {
            text.push_str(&format!(" {subject}"));
        } else {
            text.push_str(&format!(" về việc {subject}"));
        }
    }
    text.push(';');
    text
}

/// "- text" lines.
fn dash_lines(lines: &[String]) -> impl IntoView + use<> {
    lines
        .iter()
        .map(|line| view! { <p class="plan-doc-item">"- " {line.clone()}</p> })
        .collect_view()
}

/// A numbered subsection with its bullet points.
fn numbered_section(number: usize, section: &Section) -> impl IntoView + use<> {
    view! {
        <h3 class="plan-doc-sub">{format!("{number}. {}", section.heading)}</h3>
        {dash_lines(&section.items)}
    }
}

/// One activity: "- title (kind; unit; dates; facilities)", then its details.
fn activity_line(activity: &Activity) -> impl IntoView + use<> {
    let mut facts = vec![activity.kind.label(Lang::Vi).to_string()];
    if !activity.responsible_unit.trim().is_empty() {
        facts.push(activity.responsible_unit.clone());
    }
    facts.push(if activity.start_date == activity.end_date {
        activity.start_date.format("%d/%m/%Y").to_string()
    } else {
        format!(
            "{} – {}",
            activity.start_date.format("%d/%m/%Y"),
            activity.end_date.format("%d/%m/%Y")
        )
    });
    if !activity.facilities.is_empty() {
        facts.push(
            activity
                .facilities
                .iter()
                .map(|facility| facility.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let description = (!activity.description.trim().is_empty())
        .then(|| view! { <p class="plan-doc-detail">{activity.description.clone()}</p> });
    view! {
        <p class="plan-doc-item plan-doc-activity">
            "- " {activity.title.clone()} " (" {facts.join("; ")} ")."
        </p>
        {description}
    }
}

/// An activity group as a numbered subsection of II.
fn group_section(number: usize, group: &ActivityGroup) -> impl IntoView + use<> {
    view! {
        <h3 class="plan-doc-sub">{format!("{number}. {}", group.title)}</h3>
        {group.activities.iter().map(activity_line).collect_view()}
    }
}

/// "1. Quý 1/2026:" and its items.
fn milestone_section(number: usize, milestone: &Milestone) -> impl IntoView + use<> {
    let period = milestone
        .period
        .parse::<Period>()
        .map(|period| period.label(Lang::Vi))
        .unwrap_or_else(|_| milestone.period.clone());
    view! {
        <h3 class="plan-doc-sub">{format!("{number}. {period}:")}</h3>
        {dash_lines(&milestone.items)}
    }
}

/// "- Item: 12.000.000 đồng (source)."
fn budget_line(line: &BudgetLine) -> impl IntoView + use<> {
    let mut text = format!("- {}", line.item.trim());
    match (line.amount_vnd, line.source.trim()) {
        (Some(amount), "") => text.push_str(&format!(": {} đồng", format_vnd(amount))),
        (Some(amount), source) => {
            text.push_str(&format!(": {} đồng ({source})", format_vnd(amount)))
        }
        (None, "") => {}
        (None, source) => text.push_str(&format!(": {source}")),
    }
    text.push('.');
    view! { <p class="plan-doc-item">{text}</p> }
}

/// The appendix table of indicators and their targets.
fn indicator_appendix(plan: &Plan) -> impl IntoView + use<> {
    let names = |id: Option<i64>| match id {
        None => "Tất cả cơ sở".to_string(),
        Some(id) => plan
            .supported_facilities
            .iter()
            .find(|facility| facility.id == id)
            .map_or_else(|| format!("#{id}"), |facility| facility.name.clone()),
    };
    let rows = plan
        .indicators
        .iter()
        .map(|indicator: &Indicator| {
            let targets = indicator
                .targets
                .iter()
                .map(|target| {
                    let period = target
                        .period
                        .parse::<Period>()
                        .map(|period| period.label(Lang::Vi))
                        .unwrap_or_else(|_| target.period.clone());
                    format!(
                        "{}, {}: {}",
                        names(target.facility_id),
                        period,
                        format_number(Lang::Vi, target.value)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            view! {
                <tr>
                    <td>{indicator.code.clone()}</td>
                    <td>{indicator.name.clone()}</td>
                    <td>{indicator.unit.clone()}</td>
                    <td>{targets}</td>
                </tr>
            }
        })
        .collect_view();
    (!plan.indicators.is_empty()).then(|| {
        view! {
            <section class="plan-doc-appendix">
                <h2 class="plan-doc-heading">"PHỤ LỤC: CHỈ TIÊU THEO DÕI"</h2>
                <table class="plan-doc-table">
                    <thead>
                        <tr>
                            <th>"Mã"</th>
                            <th>"Chỉ tiêu"</th>
                            <th>"Đơn vị"</th>
                            <th>"Chỉ tiêu giao"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}

/// The sheet.
#[component]
pub(super) fn DocumentSheet(plan: Plan) -> impl IntoView {
    let doc = plan.document.clone();
    let draft = matches!(plan.status, PlanStatus::Draft | PlanStatus::Submitted);
    let number = doc
        .number
        .clone()
        .filter(|number| !number.trim().is_empty())
        .unwrap_or_else(|| "……/KH-……".to_string());
    let place = Some(doc.place.trim().to_string())
        .filter(|place| !place.is_empty())
        .unwrap_or_else(|| "……………".to_string());
    let dated = match doc.issued_on {
        Some(date) => format!("{place}, {}", long_date(date)),
        None => format!("{place}, ngày …… tháng …… năm ……"),
    };
    let bases = doc
        .legal_bases
        .iter()
        .map(|basis| view! { <p class="plan-doc-basis">{basis_sentence(basis)}</p> })
        .collect_view();
    let contents_count = doc.contents.len();
    let contents = doc
        .contents
        .iter()
        .enumerate()
        .map(|(index, section)| numbered_section(index + 1, section))
        .collect_view();
    let groups = plan
        .activity_groups
        .iter()
        .enumerate()
        .map(|(index, group)| group_section(contents_count + index + 1, group))
        .collect_view();
    let responsibilities = doc
        .responsibilities
        .iter()
        .enumerate()
        .map(|(index, section)| numbered_section(index + 1, section))
        .collect_view();
    let roadmap = doc
        .roadmap
        .iter()
        .enumerate()
        .map(|(index, milestone)| milestone_section(index + 1, milestone))
        .collect_view();
    let budget = doc.budget_lines.iter().map(budget_line).collect_view();
    let recipients = doc
        .recipients
        .iter()
        .map(|line| {
            let line = line.trim().trim_end_matches([';', '.']);
            view! { <p class="plan-doc-recipient">"- " {line.to_string()} ";"</p> }
        })
        .collect_view();
    let appendix = indicator_appendix(&plan);
    let governing = (!doc.governing_body.trim().is_empty())
        .then(|| view! { <p class="plan-doc-governing">{doc.governing_body.to_uppercase()}</p> });

    view! {
        <article class="plan-doc" lang="vi" id="plan-doc" class:plan-doc-draft=draft>
            {draft.then(|| view! { <p class="plan-doc-watermark">"DỰ THẢO"</p> })}
            <header class="plan-doc-head">
                <div class="plan-doc-issuer">
                    {governing}
                    <p class="plan-doc-facility">{plan.issuing_facility.name.to_uppercase()}</p>
                    <p class="plan-doc-rule" aria-hidden="true"></p>
                    <p class="plan-doc-number" id="plan-doc-number">"Số: " {number}</p>
                </div>
                <div class="plan-doc-nation">
                    <p class="plan-doc-country">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</p>
                    <p class="plan-doc-motto">"Độc lập - Tự do - Hạnh phúc"</p>
                    <p class="plan-doc-rule" aria-hidden="true"></p>
                    <p class="plan-doc-date">
                        <em>{dated}</em>
                    </p>
                </div>
            </header>
            <h1 class="plan-doc-kind">"KẾ HOẠCH"</h1>
            <p class="plan-doc-title">{plan.title.clone()}</p>
            <p class="plan-doc-rule short" aria-hidden="true"></p>
            <div class="plan-doc-bases">{bases}</div>
            {(!doc.preamble.trim().is_empty())
                .then(|| view! { <p class="plan-doc-preamble">{doc.preamble.clone()}</p> })}
            <h2 class="plan-doc-heading">"I. MỤC ĐÍCH, YÊU CẦU"</h2>
            <h3 class="plan-doc-sub">"1. Mục đích"</h3>
            {dash_lines(&doc.purposes)}
            <h3 class="plan-doc-sub">"2. Yêu cầu"</h3>
            {dash_lines(&doc.requirements)}
            <h2 class="plan-doc-heading">"II. NỘI DUNG THỰC HIỆN"</h2>
            {contents}
            {groups}
            <h2 class="plan-doc-heading">"III. TỔ CHỨC THỰC HIỆN"</h2>
            {responsibilities}
            <h2 class="plan-doc-heading">"IV. LỘ TRÌNH THỰC HIỆN"</h2>
            {roadmap}
            <h2 class="plan-doc-heading">"V. KINH PHÍ THỰC HIỆN"</h2>
            {budget}
            {(!doc.closing.trim().is_empty())
                .then(|| view! { <p class="plan-doc-closing">{doc.closing.clone()}</p> })}
            <div class="plan-doc-footer">
                <div class="plan-doc-recipients">
                    <p class="plan-doc-recipients-title">"Nơi nhận:"</p>
                    {recipients}
                </div>
                <div class="plan-doc-signer">
                    <p class="plan-doc-signer-title">{doc.signer.title.to_uppercase()}</p>
                    <p class="plan-doc-signer-name">{doc.signer.name.clone()}</p>
                </div>
            </div>
            {appendix}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_follow_the_administrative_style() {
        assert_eq!(format_vnd(12_000_000), "12.000.000");
        assert_eq!(format_vnd(950), "950");
        let basis = LegalBasis {
            kind: "Quyết định".into(),
            number: "4026/QĐ-BYT".into(),
            issued_on: NaiveDate::from_ymd_opt(2010, 10, 20),
            issuer: "Bộ Y tế".into(),
            title: "ban hành quy định phân công công tác chỉ đạo tuyến".into(),
        };
        assert_eq!(
            basis_sentence(&basis),
            "Căn cứ Quyết định số 4026/QĐ-BYT ngày 20 tháng 10 năm 2010 của Bộ Y tế ban hành quy định phân công công tác chỉ đạo tuyến;"
        );
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        assert_eq!(long_date(date), "ngày 02 tháng 3 năm 2026");
    }
}
