//! What one version of a plan changed against another, section by section, in words a
//! reader of the document follows: the header, căn cứ, sections I–V, activities (by
//! group and title), indicators (by code) and their targets.

use std::collections::BTreeMap;

use super::types::{ActivityInput, IndicatorInput, PlanChange, PlanInput};
use crate::Labelled;
use crate::Lang;

struct Changes<'a> {
    out: Vec<PlanChange>,
    facility: &'a dyn Fn(i64) -> String,
}

impl Changes<'_> {
    fn text(&mut self, section: &str, item: &str, before: &str, after: &str) {
        if before != after {
            let some = |t: &str| (!t.is_empty()).then(|| t.to_string());
            self.out.push(PlanChange {
                section: section.to_string(),
                item: item.to_string(),
                before: some(before),
                after: some(after),
            });
        }
    }

    /// Two lists compared as sets of lines: removed lines, then added ones.
    fn lines(&mut self, section: &str, item: &str, before: &[String], after: &[String]) {
        for line in before.iter().filter(|line| !after.contains(line)) {
            self.text(section, item, line, "");
        }
        for line in after.iter().filter(|line| !before.contains(line)) {
            self.text(section, item, "", line);
        }
    }

    /// Two keyed lists: items only in one, and items in both with another rendering.
    fn keyed<T>(
        &mut self,
        section: &str,
        before: &[T],
        after: &[T],
        key: impl Fn(&T) -> String,
        render: impl Fn(&T) -> String,
    ) {
        let old: BTreeMap<String, &T> = before.iter().map(|item| (key(item), item)).collect();
        let new: BTreeMap<String, &T> = after.iter().map(|item| (key(item), item)).collect();
        for item in before {
            let k = key(item);
            match new.get(&k) {
                None => self.text(section, &k, &render(item), ""),
                Some(other) => self.text(section, &k, &render(item), &render(other)),
            }
        }
        for item in after.iter().filter(|item| !old.contains_key(&key(item))) {
            self.text(section, &key(item), "", &render(item));
        }
    }

    fn names(&self, ids: &[i64]) -> String {
        ids.iter()
            .map(|id| (self.facility)(*id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn activity_text(activity: &ActivityInput, names: &str) -> String {
    format!(
        "{} ({}); {}; {} – {}; {}{}",
        activity.title,
        activity.kind.label(Lang::Vi),
        activity.responsible_unit,
        activity.start_date.format("%d/%m/%Y"),
        activity.end_date.format("%d/%m/%Y"),
        names,
        if activity.description.is_empty() {
            String::new()
        } else {
            format!("; {}", activity.description)
        }
    )
}

fn indicator_text(indicator: &IndicatorInput) -> String {
    let source = match indicator.metric {
        Some(metric) => metric.label(Lang::Vi).to_string(),
        None => indicator.source.label(Lang::Vi).to_string(),
    };
    let basis = match (&indicator.basis_code, indicator.threshold) {
        (Some(code), Some(threshold)) => format!("; cơ sở có {code} ≥ {threshold}"),
        _ => String::new(),
    };
    format!(
        "{} ({}, {}, {}; {}{})",
        indicator.name,
        indicator.unit,
        indicator.kind.label(Lang::Vi),
        indicator.direction.label(Lang::Vi),
        source,
        basis
    )
}

/// The changes from `old` to `new`, in document order. `facility` names a facility id.
pub fn diff(old: &PlanInput, new: &PlanInput, facility: &dyn Fn(i64) -> String) -> Vec<PlanChange> {
    let mut c = Changes {
        out: Vec::new(),
        facility,
    };
    let general = "Thông tin chung";
    c.text(general, "Mã kế hoạch", &old.code, &new.code);
    c.text(general, "Tên kế hoạch", &old.title, &new.title);
    let period = |p: &PlanInput| {
        format!(
            "{} – {}",
            p.start_date.format("%d/%m/%Y"),
            p.end_date.format("%d/%m/%Y")
        )
    };
    c.text(general, "Thời gian thực hiện", &period(old), &period(new));
    c.keyed(
        general,
        &old.phases,
        &new.phases,
        |phase| format!("Giai đoạn {}", phase.code),
        |phase| {
            format!(
                "{} ({} – {})",
                phase.name,
                phase.start_date.format("%d/%m/%Y"),
                phase.end_date.format("%d/%m/%Y")
            )
        },
    );
    let (old_names, new_names) = (
        c.names(&old.supported_facility_ids),
        c.names(&new.supported_facility_ids),
    );
    c.text(general, "Cơ sở được hỗ trợ", &old_names, &new_names);

    let (a, b) = (&old.document, &new.document);
    c.keyed(
        "Căn cứ",
        &a.legal_bases,
        &b.legal_bases,
        |basis| format!("{} {}", basis.kind, basis.number),
        |basis| {
            let date = basis
                .issued_on
                .map(|d| format!(" ngày {}", d.format("%d/%m/%Y")))
                .unwrap_or_default();
            format!(
                "{}{} của {} {}",
                basis.number, date, basis.issuer, basis.title
            )
        },
    );
    c.text("Căn cứ", "Lời dẫn", &a.preamble, &b.preamble);
    c.lines("I. Mục đích, yêu cầu", "Mục đích", &a.purposes, &b.purposes);
    c.lines(
        "I. Mục đích, yêu cầu",
        "Yêu cầu",
        &a.requirements,
        &b.requirements,
    );
    c.keyed(
        "II. Nội dung thực hiện",
        &a.contents,
        &b.contents,
        |s| s.heading.clone(),
        |s| s.items.join("\n"),
    );
    c.keyed(
        "III. Tổ chức thực hiện",
        &a.responsibilities,
        &b.responsibilities,
        |s| s.heading.clone(),
        |s| s.items.join("\n"),
    );
    c.keyed(
        "IV. Lộ trình thực hiện",
        &a.roadmap,
        &b.roadmap,
        |m| m.period.clone(),
        |m| m.items.join("\n"),
    );
    c.keyed(
        "V. Kinh phí thực hiện",
        &a.budget_lines,
        &b.budget_lines,
        |line| line.item.clone(),
        |line| match line.amount_vnd {
            Some(amount) => format!("{amount} đồng; {}", line.source),
            None => line.source.clone(),
        },
    );
    c.text("Kết thúc", "Đoạn kết", &a.closing, &b.closing);
    c.lines("Nơi nhận", "Nơi nhận", &a.recipients, &b.recipients);
    let signer = |d: &super::types::PlanDocument| {
        format!("{} {}", d.signer.title, d.signer.name)
            .trim()
            .to_string()
    };
    c.text("Người ký", "Người ký", &signer(a), &signer(b));

    let activities = |plan: &PlanInput| -> Vec<(String, ActivityInput)> {
        plan.activity_groups
            .iter()
            .flat_map(|group| {
                group.activities.iter().map(|activity| {
                    (
                        format!("{} › {}", group.title, activity.title),
                        activity.clone(),
                    )
                })
            })
            .collect()
    };
    let (old_acts, new_acts) = (activities(old), activities(new));
    c.keyed(
        "Hoạt động",
        &old_acts,
        &new_acts,
        |(key, _)| key.clone(),
        |(_, activity)| activity_text(activity, &facility_names(facility, &activity.facility_ids)),
    );

    c.keyed(
        "Chỉ tiêu",
        &old.indicators,
        &new.indicators,
        |indicator| indicator.code.clone(),
        indicator_text,
    );
    let targets = |plan: &PlanInput| -> Vec<(String, f64)> {
        plan.indicators
            .iter()
            .flat_map(|indicator| {
                indicator.targets.iter().map(move |target| {
                    let whom = target
                        .facility_id
                        .map(&*facility)
                        .unwrap_or_else(|| "Tất cả".to_string());
                    (
                        format!("{} – chỉ tiêu {}, {}", indicator.code, target.period, whom),
                        target.value,
                    )
                })
            })
            .collect()
    };
    let (old_targets, new_targets) = (targets(old), targets(new));
    c.keyed(
        "Chỉ tiêu",
        &old_targets,
        &new_targets,
        |(key, _)| key.clone(),
        |(_, value)| value.to_string(),
    );
    c.out
}

fn facility_names(facility: &dyn Fn(i64) -> String, ids: &[i64]) -> String {
    ids.iter()
        .map(|id| facility(*id))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::plan::indicator::{Direction, IndicatorKind};
    use crate::plan::types::{
        ActivityGroupInput, ActivityKind, IndicatorSource, PlanDocument, TargetInput,
    };

    fn d(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, 1).unwrap_or_default()
    }

    fn plan() -> PlanInput {
        PlanInput {
            code: "KH-2026".into(),
            title: "Hỗ trợ chuyên môn 2026".into(),
            issuing_facility_id: 1,
            network: false,
            start_date: d(1),
            end_date: d(12),
            phases: vec![],
            supported_facility_ids: vec![2, 3],
            document: PlanDocument {
                purposes: vec!["Nâng cao năng lực".into()],
                ..PlanDocument::default()
            },
            activity_groups: vec![ActivityGroupInput {
                title: "Luân phiên".into(),
                activities: vec![ActivityInput {
                    title: "Bác sĩ khám tại trạm".into(),
                    kind: ActivityKind::Rotation,
                    responsible_department_id: None,
                    responsible_unit: "Khoa Nội".into(),
                    facility_ids: vec![2],
                    start_date: d(4),
                    end_date: d(6),
                    description: String::new(),
                }],
            }],
            indicators: vec![IndicatorInput {
                code: "CT01".into(),
                name: "Ngày luân phiên".into(),
                unit: "ngày".into(),
                kind: IndicatorKind::Count,
                direction: Direction::HigherIsBetter,
                source: IndicatorSource::Computed,
                metric: Some(crate::plan::IndicatorMetric::RotationDays),
                basis_code: None,
                threshold: None,
                targets: vec![TargetInput {
                    facility_id: None,
                    period: "2026-Q3".into(),
                    value: 12.0,
                }],
            }],
        }
    }

    fn name(id: i64) -> String {
        format!("Trạm {id}")
    }

    #[test]
    fn an_unchanged_plan_has_no_changes() {
        assert!(diff(&plan(), &plan(), &name).is_empty());
    }

    #[test]
    fn changes_name_the_section_the_item_and_both_texts() {
        let old = plan();
        let mut new = plan();
        new.indicators[0].targets[0].value = 10.0;
        new.activity_groups[0].activities[0].facility_ids = vec![2, 3];
        new.document.purposes.push("Giảm chuyển tuyến".into());
        new.supported_facility_ids = vec![2];
        let changes = diff(&old, &new, &name);
        let found = |section: &str, item: &str| {
            changes
                .iter()
                .find(|c| c.section == section && c.item == item)
                .cloned()
        };
        let target = found("Chỉ tiêu", "CT01 – chỉ tiêu 2026-Q3, Tất cả");
        assert_eq!(
            target.map(|c| (c.before, c.after)),
            Some((Some("12".into()), Some("10".into())))
        );
        let purpose = found("I. Mục đích, yêu cầu", "Mục đích");
        assert_eq!(
            purpose.map(|c| (c.before, c.after)),
            Some((None, Some("Giảm chuyển tuyến".into())))
        );
        let activity = found("Hoạt động", "Luân phiên › Bác sĩ khám tại trạm");
        assert!(activity.is_some_and(|c| c.after.is_some_and(|t| t.ends_with("Trạm 2, Trạm 3"))));
        let stations = found("Thông tin chung", "Cơ sở được hỗ trợ");
        assert_eq!(stations.and_then(|c| c.after), Some("Trạm 2".into()));
        assert_eq!(changes.len(), 4, "{changes:#?}");
    }

    #[test]
    fn removed_and_added_indicators_are_reported_once_each() {
        let old = plan();
        let mut new = plan();
        new.indicators[0].code = "CT02".into();
        let changes = diff(&old, &new, &name);
        let removed = changes.iter().filter(|c| c.after.is_none()).count();
        let added = changes.iter().filter(|c| c.before.is_none()).count();
        // The indicator and its one target, each removed under CT01 and added under CT02.
        assert_eq!((removed, added), (2, 2), "{changes:#?}");
    }
}
