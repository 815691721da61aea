//! `/supervision/visits/:id/print`: the visit report (biên bản giám sát) on an A4 sheet —
//! the two facilities, the day and the supervisors, every criterion with its result and
//! the finding, the score per section and in total, the corrective actions with their
//! owners and due dates, the conclusion and the two signatures. The report is a
//! Vietnamese document whatever the interface language; only the toolbar follows the
//! language switch. The print rules in `style.css` drop the app's frame and the toolbar.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::supervision::{AnswerScale, Choice, ItemAnswer, Visit};
use shared::time::administrative_date;
use shared::{Labelled, Lang};

use super::{BASE, percent_text, visit_href};
use crate::api::{self, use_api};
use crate::components::{InvalidId, Loading, loaded, use_id_param};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// `/supervision/visits/:id/print`.
#[component]
pub fn VisitPrintPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PrintableVisit id /> }.into_any(),
        None => view! { <InvalidId back=BASE back_label=Key::BackToSupervision /> }.into_any(),
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

#[component]
fn PrintableVisit(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let visit = LocalResource::new(move || api::supervision::visit(api, id));
    view! {
        <section class="page visit-report-page">
            <div class="slip-toolbar">
                <A href=visit_href(id)>{move || lang.t(Key::BackToSupervision)}</A>
                <button type="button" class="button primary" id="print-report" on:click=move |_| print_page()>
                    {move || lang.t(Key::PrintVisitReport)}
                </button>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move { loaded(visit.await, |visit| view! { <Report visit /> }) })}
            </Transition>
        </section>
    }
}

/// An answer as the report writes it.
fn result_text(scale: AnswerScale, max: Option<i32>, answer: Option<&ItemAnswer>) -> String {
    match answer {
        None => "Chưa chấm".to_string(),
        Some(answer) => match (answer.choice, answer.points) {
            (Some(Choice::NotApplicable), _) => Choice::NotApplicable.label(Lang::Vi).to_string(),
            (Some(choice), _) => choice.label(Lang::Vi).to_string(),
            (None, Some(points)) if scale == AnswerScale::Points => {
                format!("{points}/{}", max.unwrap_or(0))
            }
            _ => String::new(),
        },
    }
}

/// The report itself.
#[component]
fn Report(visit: Visit) -> impl IntoView {
    let score = visit.score.clone();
    let verdict = match score.passed {
        Some(true) => "ĐẠT",
        Some(false) => "KHÔNG ĐẠT",
        None => "Chưa kết luận",
    };
    let visitors = visit
        .visitors
        .iter()
        .map(|v| match &v.title {
            Some(title) => format!("{title} {}", v.full_name),
            None => v.full_name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sections = visit
        .sections
        .iter()
        .zip(score.sections.iter())
        .map(|(section, part)| {
            let rows = section
                .items
                .iter()
                .map(|item| {
                    let answer = visit.answers.iter().find(|a| a.item_code == item.code);
                    let result = result_text(item.scale, item.max_points, answer);
                    let note = answer.and_then(|a| a.note.clone()).unwrap_or_default();
                    view! {
                        <tr>
                            <td>{item.code.clone()}</td>
                            <td>
                                {item.text.clone()}
                                {item.critical.then_some(" (*)")}
                            </td>
                            <td class="number">{item.weight}</td>
                            <td>{result}</td>
                            <td>{note}</td>
                        </tr>
                    }
                })
                .collect_view();
            let percent = percent_text(Lang::Vi, part.percent);
            view! {
                <tbody>
                    <tr class="section-row">
                        <th colspan="4" scope="rowgroup">{section.title.clone()}</th>
                        <th class="number">{percent}</th>
                    </tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view();
    let actions = visit
        .actions
        .iter()
        .enumerate()
        .map(|(n, action)| {
            view! {
                <tr>
                    <td class="number">{n + 1}</td>
                    <td>{action.item_code.clone().unwrap_or_default()}</td>
                    <td>{action.description.clone()}</td>
                    <td>{action.owner.full_name.clone()}</td>
                    <td>{action.due_on.format("%d/%m/%Y").to_string()}</td>
                    <td>{action.status.label(Lang::Vi)}</td>
                </tr>
            }
        })
        .collect_view();
    let day = administrative_date(visit.planned_on);
    view! {
        <article class="visit-report" id="visit-report">
            <header class="report-head">
                <div>
                    <p class="upper">{visit.supervising_facility.name.clone()}</p>
                    <p class="upper bold">"ĐOÀN GIÁM SÁT"</p>
                </div>
                <div>
                    <p class="upper bold">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</p>
                    <p class="bold">"Độc lập - Tự do - Hạnh phúc"</p>
                </div>
            </header>
            <h1 class="report-title">"BIÊN BẢN GIÁM SÁT"</h1>
            <p class="report-subtitle">{visit.template.title.clone()}</p>
            <dl class="report-facts">
                <div><dt>"Đơn vị được giám sát: "</dt><dd>{visit.facility.name.clone()}</dd></div>
                <div><dt>"Thời gian: "</dt><dd>{day.clone()}</dd></div>
                <div><dt>"Thành viên đoàn: "</dt><dd>{visitors}</dd></div>
                <div>
                    <dt>"Bảng kiểm: "</dt>
                    <dd>{format!("{} (phiên bản {}), ngưỡng đạt {} %", visit.template.code, visit.template.revision, visit.template.pass_threshold)}</dd>
                </div>
            </dl>
            <table class="data report-items">
                <thead>
                    <tr>
                        <th scope="col">"Mã"</th>
                        <th scope="col">"Tiêu chí"</th>
                        <th scope="col">"Trọng số"</th>
                        <th scope="col">"Kết quả"</th>
                        <th scope="col">"Ghi nhận"</th>
                    </tr>
                </thead>
                {sections}
            </table>
            <p class="small">"(*) Tiêu chí bắt buộc: không đạt đầy đủ thì đợt giám sát không đạt."</p>
            <p class="report-score" id="report-score">
                "Tổng điểm: " <strong>{percent_text(Lang::Vi, score.percent)}</strong>
                " — Kết quả: " <strong>{verdict}</strong>
            </p>
            <h2>"Nội dung cần khắc phục"</h2>
            {if visit.actions.is_empty() {
                view! { <p>"Không có."</p> }.into_any()
            } else {
                view! {
                    <table class="data report-actions">
                        <thead>
                            <tr>
                                <th scope="col">"TT"</th>
                                <th scope="col">"Tiêu chí"</th>
                                <th scope="col">"Nội dung"</th>
                                <th scope="col">"Người chịu trách nhiệm"</th>
                                <th scope="col">"Hạn"</th>
                                <th scope="col">"Tình trạng"</th>
                            </tr>
                        </thead>
                        <tbody>{actions}</tbody>
                    </table>
                }
                .into_any()
            }}
            <h2>"Kết luận"</h2>
            <p>{visit.conclusion.clone().unwrap_or_default()}</p>
            <div class="report-signatures">
                <div>
                    <p class="bold">"ĐẠI DIỆN ĐƠN VỊ ĐƯỢC GIÁM SÁT"</p>
                    <p class="small">"(Ký, ghi rõ họ tên)"</p>
                </div>
                <div>
                    <p class="bold">"TRƯỞNG ĐOÀN GIÁM SÁT"</p>
                    <p class="small">"(Ký, ghi rõ họ tên)"</p>
                </div>
            </div>
        </article>
    }
}
