//! The plan as typed: one signal per input, rows with stable keys (so an input keeps its
//! focus while rows around it come and go), and the `PlanInput` it describes together
//! with what in it could not even be read (a date, a figure).

use leptos::prelude::*;
use shared::Lang;
use shared::plan::{
    ActivityGroupInput, ActivityInput, ActivityKind, BudgetLine, Direction, IndicatorInput,
    IndicatorKind, IndicatorSource, LegalBasis, Milestone, Plan, PlanDocument, PlanInput,
    PlanPhase, Section, Signer, TargetInput,
};
use shared::registry::{FacilityKind, FacilityRef};

use super::super::{parse_date, parse_number};
use crate::i18n::{Key, t};

/// Messages per dotted field path (`document.legal_bases[0].number`).
pub(super) use crate::components::form::FieldMessages;

/// One row of a table of inputs: a stable key and one text per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    /// Stable identity within its table.
    pub key: u64,
    /// One value per column.
    pub values: Vec<String>,
}

impl Row {
    /// The value of column `index`, empty when missing.
    pub fn value(&self, index: usize) -> &str {
        self.values.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Rows made from existing values, keyed from 1.
pub(super) fn rows_from(values: impl IntoIterator<Item = Vec<String>>) -> Vec<Row> {
    values
        .into_iter()
        .zip(1..)
        .map(|(values, key)| Row { key, values })
        .collect()
}

/// A key not yet used among `keys`.
pub(super) fn next_key(keys: impl Iterator<Item = u64>) -> u64 {
    keys.max().unwrap_or(0) + 1
}

/// Lines of a text area as list items: trimmed, blank ones dropped, a typed bullet
/// ("- ", "• ") removed.
pub(super) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.trim();
            line.strip_prefix("- ")
                .or_else(|| line.strip_prefix("• "))
                .unwrap_or(line)
                .trim()
                .to_string()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

fn joined(lines: &[String]) -> String {
    lines.join("\n")
}

fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map(|date| date.to_string()).unwrap_or_default()
}

/// An activity as typed.
#[derive(Debug, Clone, Copy)]
pub(super) struct ActivityDraft {
    pub key: u64,
    pub title: RwSignal<String>,
    pub kind: RwSignal<String>,
    /// Kept as it was: the editor names the unit in words.
    pub department_id: Option<i64>,
    pub unit: RwSignal<String>,
    pub facilities: RwSignal<Vec<i64>>,
    pub start: RwSignal<String>,
    pub end: RwSignal<String>,
    pub description: RwSignal<String>,
}

impl ActivityDraft {
    /// A new activity over the plan's dates.
    pub fn blank(key: u64, start: String, end: String) -> ActivityDraft {
        ActivityDraft {
            key,
            title: RwSignal::new(String::new()),
            kind: RwSignal::new(ActivityKind::Rotation.as_str().to_string()),
            department_id: None,
            unit: RwSignal::new(String::new()),
            facilities: RwSignal::new(Vec::new()),
            start: RwSignal::new(start),
            end: RwSignal::new(end),
            description: RwSignal::new(String::new()),
        }
    }
}

/// A group of activities as typed.
#[derive(Debug, Clone, Copy)]
pub(super) struct GroupDraft {
    pub key: u64,
    pub title: RwSignal<String>,
    pub activities: RwSignal<Vec<ActivityDraft>>,
}

impl GroupDraft {
    /// A new, empty group.
    pub fn blank(key: u64) -> GroupDraft {
        GroupDraft {
            key,
            title: RwSignal::new(String::new()),
            activities: RwSignal::new(Vec::new()),
        }
    }
}

/// An indicator as typed; its targets are rows of (facility id or blank for all,
/// period, value).
#[derive(Debug, Clone, Copy)]
pub(super) struct IndicatorDraft {
    pub key: u64,
    pub code: RwSignal<String>,
    pub name: RwSignal<String>,
    pub unit: RwSignal<String>,
    pub kind: RwSignal<String>,
    pub direction: RwSignal<String>,
    pub source: RwSignal<String>,
    pub metric: RwSignal<String>,
    pub basis: RwSignal<String>,
    pub threshold: RwSignal<String>,
    pub targets: RwSignal<Vec<Row>>,
}

impl IndicatorDraft {
    /// A new indicator counted by the stations, coded `CTnn`.
    pub fn blank(key: u64, number: usize) -> IndicatorDraft {
        IndicatorDraft {
            key,
            code: RwSignal::new(format!("CT{number:02}")),
            name: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            kind: RwSignal::new(IndicatorKind::Count.as_str().to_string()),
            direction: RwSignal::new(Direction::HigherIsBetter.as_str().to_string()),
            source: RwSignal::new(IndicatorSource::Entered.as_str().to_string()),
            metric: RwSignal::new(String::new()),
            basis: RwSignal::new(String::new()),
            threshold: RwSignal::new(String::new()),
            targets: RwSignal::new(Vec::new()),
        }
    }
}

/// The whole plan as typed.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlanDraft {
    pub code: RwSignal<String>,
    pub title: RwSignal<String>,
    pub issuing: StoredValue<FacilityRef>,
    pub network: RwSignal<bool>,
    pub start: RwSignal<String>,
    pub end: RwSignal<String>,
    /// code, name, start, end.
    pub phases: RwSignal<Vec<Row>>,
    pub supported: RwSignal<Vec<FacilityRef>>,
    pub governing_body: RwSignal<String>,
    pub place: RwSignal<String>,
    pub number: RwSignal<String>,
    pub issued_on: RwSignal<String>,
    /// kind, number, issued_on, issuer, title.
    pub legal_bases: RwSignal<Vec<Row>>,
    pub preamble: RwSignal<String>,
    pub purposes: RwSignal<String>,
    pub requirements: RwSignal<String>,
    /// heading, items (one per line).
    pub contents: RwSignal<Vec<Row>>,
    /// heading, items (one per line).
    pub responsibilities: RwSignal<Vec<Row>>,
    /// period, items (one per line).
    pub roadmap: RwSignal<Vec<Row>>,
    /// item, amount_vnd, source.
    pub budget_lines: RwSignal<Vec<Row>>,
    pub closing: RwSignal<String>,
    pub recipients: RwSignal<String>,
    pub signer_title: RwSignal<String>,
    pub signer_name: RwSignal<String>,
    pub groups: RwSignal<Vec<GroupDraft>>,
    pub indicators: RwSignal<Vec<IndicatorDraft>>,
}

fn signal(text: impl Into<String>) -> RwSignal<String> {
    RwSignal::new(text.into())
}

fn section_rows(sections: &[Section]) -> Vec<Row> {
    rows_from(
        sections
            .iter()
            .map(|section| vec![section.heading.clone(), joined(&section.items)]),
    )
}

impl PlanDraft {
    /// An empty plan of `issuing` for the current year, with the usual headings of the
    /// document (seed 004) ready to fill.
    pub fn blank(issuing: FacilityRef, year: i32) -> PlanDraft {
        let heading = |text: &str| vec![text.to_string(), String::new()];
        // The Department of Health issues network plans.
        let network = issuing.kind == FacilityKind::HealthDepartment;
        PlanDraft {
            code: signal(format!("KH-HTCM-{year}")),
            title: signal(String::new()),
            issuing: StoredValue::new(issuing),
            network: RwSignal::new(network),
            start: signal(format!("{year}-01-01")),
            end: signal(format!("{year}-12-31")),
            phases: RwSignal::new(Vec::new()),
            supported: RwSignal::new(Vec::new()),
            governing_body: signal(String::new()),
            place: signal(String::new()),
            number: signal(String::new()),
            issued_on: signal(String::new()),
            legal_bases: RwSignal::new(Vec::new()),
            preamble: signal(String::new()),
            purposes: signal(String::new()),
            requirements: signal(String::new()),
            contents: RwSignal::new(rows_from([
                heading("Các trạm y tế hỗ trợ chuyên môn"),
                heading("Nội dung hỗ trợ"),
            ])),
            responsibilities: RwSignal::new(rows_from([
                heading("Phòng Kế hoạch – Nghiệp vụ"),
                heading("Phòng Điều dưỡng"),
                heading("Các khoa lâm sàng/cận lâm sàng liên quan"),
                heading("Trạm y tế được hỗ trợ"),
            ])),
            // The roadmap of seed 004: plan, deliver, review mid-year, review the year.
            roadmap: RwSignal::new(rows_from(
                [
                    "Lập kế hoạch triển khai các nội dung hỗ trợ chuyên môn",
                    "Triển khai các nội dung trạm y tế cần hỗ trợ chuyên môn",
                    "Sơ kết 6 tháng; điều chỉnh kế hoạch theo thực tế triển khai",
                    "Tổng kết năm; xây dựng kế hoạch năm tiếp theo",
                ]
                .into_iter()
                .zip(1..)
                .map(|(items, quarter)| vec![format!("{year}-Q{quarter}"), items.to_string()]),
            )),
            budget_lines: RwSignal::new(rows_from([vec![
                "Kinh phí triển khai thực hiện".to_string(),
                String::new(),
                "Theo quy định của pháp luật".to_string(),
            ]])),
            closing: signal(String::new()),
            recipients: signal("Sở Y tế (để b/c)\nBan Giám đốc\nCác khoa, phòng\nLưu: VT"),
            signer_title: signal("GIÁM ĐỐC"),
            signer_name: signal(String::new()),
            groups: RwSignal::new(Vec::new()),
            indicators: RwSignal::new(Vec::new()),
        }
    }

    /// The plan as written, ready to edit.
    pub fn from_plan(plan: &Plan) -> PlanDraft {
        let doc = &plan.document;
        let groups = plan
            .activity_groups
            .iter()
            .zip(1..)
            .map(|(group, key)| GroupDraft {
                key,
                title: signal(group.title.clone()),
                activities: RwSignal::new(
                    group
                        .activities
                        .iter()
                        .zip(1..)
                        .map(|(activity, key)| ActivityDraft {
                            key,
                            title: signal(activity.title.clone()),
                            kind: signal(activity.kind.as_str()),
                            department_id: activity.responsible_department_id,
                            unit: signal(activity.responsible_unit.clone()),
                            facilities: RwSignal::new(
                                activity.facilities.iter().map(|f| f.id).collect(),
                            ),
                            start: signal(activity.start_date.to_string()),
                            end: signal(activity.end_date.to_string()),
                            description: signal(activity.description.clone()),
                        })
                        .collect(),
                ),
            })
            .collect();
        let indicators = plan
            .indicators
            .iter()
            .zip(1..)
            .map(|(indicator, key)| IndicatorDraft {
                key,
                code: signal(indicator.code.clone()),
                name: signal(indicator.name.clone()),
                unit: signal(indicator.unit.clone()),
                kind: signal(indicator.kind.as_str()),
                direction: signal(indicator.direction.as_str()),
                source: signal(indicator.source.as_str()),
                metric: signal(indicator.metric.map(|m| m.as_str()).unwrap_or_default()),
                basis: signal(indicator.basis_code.clone().unwrap_or_default()),
                threshold: signal(
                    indicator
                        .threshold
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                ),
                targets: RwSignal::new(rows_from(indicator.targets.iter().map(|target| {
                    vec![
                        target
                            .facility_id
                            .map(|id| id.to_string())
                            .unwrap_or_default(),
                        target.period.clone(),
                        target.value.to_string(),
                    ]
                }))),
            })
            .collect();
        PlanDraft {
            code: signal(plan.code.clone()),
            title: signal(plan.title.clone()),
            issuing: StoredValue::new(plan.issuing_facility.clone()),
            network: RwSignal::new(plan.network),
            start: signal(plan.start_date.to_string()),
            end: signal(plan.end_date.to_string()),
            phases: RwSignal::new(rows_from(plan.phases.iter().map(|phase| {
                vec![
                    phase.code.clone(),
                    phase.name.clone(),
                    phase.start_date.to_string(),
                    phase.end_date.to_string(),
                ]
            }))),
            supported: RwSignal::new(plan.supported_facilities.clone()),
            governing_body: signal(doc.governing_body.clone()),
            place: signal(doc.place.clone()),
            number: signal(doc.number.clone().unwrap_or_default()),
            issued_on: signal(date_text(doc.issued_on)),
            legal_bases: RwSignal::new(rows_from(doc.legal_bases.iter().map(|basis| {
                vec![
                    basis.kind.clone(),
                    basis.number.clone(),
                    date_text(basis.issued_on),
                    basis.issuer.clone(),
                    basis.title.clone(),
                ]
            }))),
            preamble: signal(doc.preamble.clone()),
            purposes: signal(joined(&doc.purposes)),
            requirements: signal(joined(&doc.requirements)),
            contents: RwSignal::new(section_rows(&doc.contents)),
            responsibilities: RwSignal::new(section_rows(&doc.responsibilities)),
            roadmap: RwSignal::new(rows_from(
                doc.roadmap
                    .iter()
                    .map(|milestone| vec![milestone.period.clone(), joined(&milestone.items)]),
            )),
            budget_lines: RwSignal::new(rows_from(doc.budget_lines.iter().map(|line| {
                vec![
                    line.item.clone(),
                    line.amount_vnd
                        .map(|amount| amount.to_string())
                        .unwrap_or_default(),
                    line.source.clone(),
                ]
            }))),
            closing: signal(doc.closing.clone()),
            recipients: signal(joined(&doc.recipients)),
            signer_title: signal(doc.signer.title.clone()),
            signer_name: signal(doc.signer.name.clone()),
            groups: RwSignal::new(groups),
            indicators: RwSignal::new(indicators),
        }
    }

    /// The body the inputs describe (tracked), and what could not be read, by path.
    /// Rows are kept even when empty, so error paths match the rows on screen.
    pub fn to_input(self, lang: Lang) -> (PlanInput, FieldMessages) {
        let mut unreadable = Unreadable {
            lang,
            messages: FieldMessages::new(),
        };
        let start_date = unreadable.date("start_date", &self.start.get());
        let end_date = unreadable.date("end_date", &self.end.get());
        let phases = self.phases.with(|rows| {
            rows.iter()
                .enumerate()
                .map(|(i, row)| PlanPhase {
                    code: row.value(0).trim().to_uppercase(),
                    name: row.value(1).trim().to_string(),
                    start_date: unreadable.date(&format!("phases[{i}].start_date"), row.value(2)),
                    end_date: unreadable.date(&format!("phases[{i}].end_date"), row.value(3)),
                })
                .collect()
        });
        let document = PlanDocument {
            governing_body: self.governing_body.get().trim().to_string(),
            place: self.place.get().trim().to_string(),
            number: Some(self.number.get().trim().to_string()).filter(|n| !n.is_empty()),
            issued_on: unreadable.optional_date("document.issued_on", &self.issued_on.get()),
            legal_bases: self.legal_bases.with(|rows| {
                rows.iter()
                    .enumerate()
                    .map(|(i, row)| LegalBasis {
                        kind: row.value(0).trim().to_string(),
                        number: row.value(1).trim().to_string(),
                        issued_on: unreadable.optional_date(
                            &format!("document.legal_bases[{i}].issued_on"),
                            row.value(2),
                        ),
                        issuer: row.value(3).trim().to_string(),
                        title: row.value(4).trim().to_string(),
                    })
                    .collect()
            }),
            preamble: self.preamble.get().trim().to_string(),
            purposes: lines(&self.purposes.get()),
            requirements: lines(&self.requirements.get()),
            contents: self.contents.with(|rows| sections(rows)),
            responsibilities: self.responsibilities.with(|rows| sections(rows)),
            roadmap: self.roadmap.with(|rows| {
                rows.iter()
                    .map(|row| Milestone {
                        period: row.value(0).trim().to_string(),
                        items: lines(row.value(1)),
                    })
                    .collect()
            }),
            budget_lines: self.budget_lines.with(|rows| {
                rows.iter()
                    .enumerate()
                    .map(|(i, row)| BudgetLine {
                        item: row.value(0).trim().to_string(),
                        amount_vnd: unreadable.amount(
                            &format!("document.budget_lines[{i}].amount_vnd"),
                            row.value(1),
                        ),
                        source: row.value(2).trim().to_string(),
                    })
                    .collect()
            }),
            closing: self.closing.get().trim().to_string(),
            recipients: lines(&self.recipients.get()),
            signer: Signer {
                title: self.signer_title.get().trim().to_string(),
                name: self.signer_name.get().trim().to_string(),
            },
        };
        let activity_groups = self.groups.with(|groups| {
            groups
                .iter()
                .enumerate()
                .map(|(g, group)| ActivityGroupInput {
                    title: group.title.get().trim().to_string(),
                    activities: group.activities.with(|activities| {
                        activities
                            .iter()
                            .enumerate()
                            .map(|(a, activity)| {
                                let path = format!("activity_groups[{g}].activities[{a}]");
                                unreadable.activity(&path, activity)
                            })
                            .collect()
                    }),
                })
                .collect()
        });
        let indicators = self.indicators.with(|indicators| {
            indicators
                .iter()
                .enumerate()
                .map(|(i, indicator)| unreadable.indicator(i, indicator))
                .collect()
        });
        let input = PlanInput {
            code: self.code.get().trim().to_string(),
            title: self.title.get().trim().to_string(),
            issuing_facility_id: self.issuing.with_value(|facility| facility.id),
            network: self.network.get(),
            start_date,
            end_date,
            phases,
            supported_facility_ids: self
                .supported
                .with(|facilities| facilities.iter().map(|facility| facility.id).collect()),
            document,
            activity_groups,
            indicators,
        };
        (input, unreadable.messages)
    }
}

fn sections(rows: &[Row]) -> Vec<Section> {
    rows.iter()
        .map(|row| Section {
            heading: row.value(0).trim().to_string(),
            items: lines(row.value(1)),
        })
        .collect()
}

/// Collects what could not be read while the body is built.
struct Unreadable {
    lang: Lang,
    messages: FieldMessages,
}

impl Unreadable {
    fn note(&mut self, path: &str, key: Key) {
        self.messages
            .insert(path.to_string(), vec![t(self.lang, key).to_string()]);
    }

    /// A required date; a placeholder when it cannot be read.
    fn date(&mut self, path: &str, text: &str) -> chrono::NaiveDate {
        parse_date(text).unwrap_or_else(|| {
            self.note(path, Key::DateRequired);
            chrono::NaiveDate::MIN
        })
    }

    /// An optional date: blank is none, anything else must read.
    fn optional_date(&mut self, path: &str, text: &str) -> Option<chrono::NaiveDate> {
        if text.trim().is_empty() {
            return None;
        }
        let date = parse_date(text);
        if date.is_none() {
            self.note(path, Key::DateRequired);
        }
        date
    }

    /// An optional amount in đồng: thousands separators ignored.
    fn amount(&mut self, path: &str, text: &str) -> Option<i64> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
            .collect();
        if digits.is_empty() {
            return None;
        }
        let amount = digits.parse::<i64>().ok();
        if amount.is_none() {
            self.note(path, Key::NotANumber);
        }
        amount
    }

    fn activity(&mut self, path: &str, activity: &ActivityDraft) -> ActivityInput {
        let kind = activity.kind.get().parse().unwrap_or(ActivityKind::Other);
        ActivityInput {
            title: activity.title.get().trim().to_string(),
            kind,
            responsible_department_id: activity.department_id,
            responsible_unit: activity.unit.get().trim().to_string(),
            facility_ids: activity.facilities.get(),
            start_date: self.date(&format!("{path}.start_date"), &activity.start.get()),
            end_date: self.date(&format!("{path}.end_date"), &activity.end.get()),
            description: activity.description.get().trim().to_string(),
        }
    }

    fn indicator(&mut self, index: usize, indicator: &IndicatorDraft) -> IndicatorInput {
        let path = format!("indicators[{index}]");
        let threshold_text = indicator.threshold.get();
        let threshold = if threshold_text.trim().is_empty() {
            None
        } else {
            let value = parse_number(&threshold_text);
            if value.is_none() {
                self.note(&format!("{path}.threshold"), Key::NotANumber);
            }
            value
        };
        let targets = indicator.targets.with(|rows| {
            rows.iter()
                .enumerate()
                .map(|(t, row)| {
                    let value = parse_number(row.value(2)).unwrap_or_else(|| {
                        self.note(&format!("{path}.targets[{t}].value"), Key::NotANumber);
                        0.0
                    });
                    TargetInput {
                        facility_id: row.value(0).parse().ok(),
                        period: row.value(1).trim().to_string(),
                        value,
                    }
                })
                .collect()
        });
        let basis = indicator.basis.get();
        IndicatorInput {
            code: indicator.code.get().trim().to_string(),
            name: indicator.name.get().trim().to_string(),
            unit: indicator.unit.get().trim().to_string(),
            kind: indicator.kind.get().parse().unwrap_or(IndicatorKind::Count),
            direction: indicator
                .direction
                .get()
                .parse()
                .unwrap_or(Direction::HigherIsBetter),
            source: indicator
                .source
                .get()
                .parse()
                .unwrap_or(IndicatorSource::Entered),
            metric: indicator.metric.get().parse().ok(),
            basis_code: Some(basis.trim().to_string()).filter(|code| !code.is_empty()),
            threshold,
            targets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_blanks_and_typed_bullets() {
        assert_eq!(
            lines("- Một\n\n  • Hai \nBa"),
            vec!["Một".to_string(), "Hai".to_string(), "Ba".to_string()]
        );
        assert!(lines(" \n ").is_empty());
    }
}
