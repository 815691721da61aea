//! The score of a supervision visit, as a pure function of the checklist and the
//! answers: per item a fraction met (yes 1, partly ½, no 0, points p / N; not applicable
//! leaves the item out), weighted; per section and in total the weighted share met, in
//! percent; the visit passes when every item is answered, the total reaches the
//! template's threshold **and** no critical item fails (a critical item fails unless it
//! is fully met).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AnswerScale, ChecklistItem, ChecklistSection, Choice};

/// What was found for one item, as far as scoring cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Yes / partly / no / not applicable (for the yes-no scales, or "not applicable" on
    /// a points scale).
    pub choice: Option<Choice>,
    /// Points given (points scale).
    pub points: Option<i32>,
}

/// How one item came out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ItemResult {
    /// Not answered yet.
    Unanswered,
    /// Left out of the score.
    NotApplicable,
    /// Scored: the share met, `0.0..=1.0`.
    Met(f64),
}

/// The share of `item` that `mark` meets ([`ItemResult`]). An answer that does not fit
/// the item's scale (points on a yes/no item, `partly` on a yes/no item, points out of
/// range) counts as unanswered: the backend refuses such answers before they are stored.
pub fn item_result(item: &ChecklistItem, mark: Option<&Mark>) -> ItemResult {
    let Some(mark) = mark else {
        return ItemResult::Unanswered;
    };
    if mark.choice == Some(Choice::NotApplicable) {
        return ItemResult::NotApplicable;
    }
    match item.scale {
        AnswerScale::YesNo | AnswerScale::YesPartlyNo => match mark.choice {
            Some(Choice::Yes) => ItemResult::Met(1.0),
            Some(Choice::No) => ItemResult::Met(0.0),
            Some(Choice::Partly) if item.scale == AnswerScale::YesPartlyNo => ItemResult::Met(0.5),
            _ => ItemResult::Unanswered,
        },
        AnswerScale::Points => {
            let max = item.max_points.unwrap_or(0);
            match mark.points {
                Some(points) if max > 0 && (0..=max).contains(&points) && mark.choice.is_none() => {
                    ItemResult::Met(f64::from(points) / f64::from(max))
                }
                _ => ItemResult::Unanswered,
            }
        }
    }
}

/// Whether `mark` is a valid answer to `item` (its scale, its range).
pub fn fits(item: &ChecklistItem, mark: &Mark) -> bool {
    item_result(item, Some(mark)) != ItemResult::Unanswered
}

/// The score of one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionScore {
    /// Section code.
    pub code: String,
    /// Section title.
    pub title: String,
    /// Weighted points met.
    pub earned: f64,
    /// Weighted points possible (answered, applicable items).
    pub possible: f64,
    /// `earned / possible` in percent, rounded to one decimal; none while nothing
    /// applicable is answered.
    pub percent: Option<f64>,
    /// Items answered (not applicable included) of the section's items.
    pub answered: u32,
    /// Items in the section.
    pub items: u32,
}

/// The score of a visit ([`score`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    /// Per section, in the checklist's order.
    pub sections: Vec<SectionScore>,
    /// Weighted points met over all sections.
    pub earned: f64,
    /// Weighted points possible over all sections.
    pub possible: f64,
    /// The total in percent, one decimal; none while nothing applicable is answered.
    pub percent: Option<f64>,
    /// Items answered (not applicable included).
    pub answered: u32,
    /// Items in the checklist.
    pub items: u32,
    /// Whether every item is answered.
    pub complete: bool,
    /// Items not fully met (the findings), in checklist order.
    pub findings: Vec<String>,
    /// Critical items not fully met, in checklist order.
    pub critical_failed: Vec<String>,
    /// The pass threshold, in percent.
    pub threshold: i32,
    /// Pass (`true`) or fail (`false`) once complete: total ≥ threshold and no critical
    /// item failed. A failed critical item fails the visit before it is complete too.
    pub passed: Option<bool>,
}

/// One decimal, as shown and stored.
fn one_decimal(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Tolerance for comparing sums of halves and point fractions with a threshold.
const EPSILON: f64 = 1e-9;

/// Scores `marks` (by item code) against the checklist `sections` with the pass
/// `threshold` in percent. See the module documentation.
pub fn score(
    sections: &[ChecklistSection],
    threshold: i32,
    marks: &BTreeMap<String, Mark>,
) -> Score {
    let mut out = Score {
        sections: Vec::with_capacity(sections.len()),
        earned: 0.0,
        possible: 0.0,
        percent: None,
        answered: 0,
        items: 0,
        complete: true,
        findings: Vec::new(),
        critical_failed: Vec::new(),
        threshold,
        passed: None,
    };
    for section in sections {
        let mut part = SectionScore {
            code: section.code.clone(),
            title: section.title.clone(),
            earned: 0.0,
            possible: 0.0,
            percent: None,
            answered: 0,
            items: 0,
        };
        for item in &section.items {
            part.items += 1;
            let weight = f64::from(item.weight.max(0));
            match item_result(item, marks.get(&item.code)) {
                ItemResult::Unanswered => out.complete = false,
                ItemResult::NotApplicable => part.answered += 1,
                ItemResult::Met(share) => {
                    part.answered += 1;
                    part.earned += weight * share;
                    part.possible += weight;
                    if share < 1.0 - EPSILON {
                        out.findings.push(item.code.clone());
                        if item.critical {
                            out.critical_failed.push(item.code.clone());
                        }
                    }
                }
            }
        }
        part.percent = percent(part.earned, part.possible);
        out.earned += part.earned;
        out.possible += part.possible;
        out.answered += part.answered;
        out.items += part.items;
        out.sections.push(part);
    }
    out.percent = percent(out.earned, out.possible);
    out.passed = if !out.critical_failed.is_empty() {
        Some(false)
    } else if out.complete {
        // Nothing applicable at all: nothing failed.
        Some(
            out.possible <= 0.0
                || out.earned * 100.0 + EPSILON >= f64::from(threshold) * out.possible,
        )
    } else {
        None
    };
    out
}

fn percent(earned: f64, possible: f64) -> Option<f64> {
    (possible > 0.0).then(|| one_decimal(earned * 100.0 / possible))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, scale: AnswerScale, weight: i32, critical: bool) -> ChecklistItem {
        ChecklistItem {
            code: code.into(),
            text: format!("Tiêu chí {code}"),
            scale,
            max_points: (scale == AnswerScale::Points).then_some(4),
            weight,
            critical,
            guidance: None,
        }
    }

    fn section(code: &str, items: Vec<ChecklistItem>) -> ChecklistSection {
        ChecklistSection {
            code: code.into(),
            title: format!("Phần {code}"),
            items,
        }
    }

    fn choice(c: Choice) -> Mark {
        Mark {
            choice: Some(c),
            points: None,
        }
    }

    fn points(p: i32) -> Mark {
        Mark {
            choice: None,
            points: Some(p),
        }
    }

    fn marks(list: &[(&str, Mark)]) -> BTreeMap<String, Mark> {
        list.iter()
            .map(|(code, mark)| ((*code).to_string(), *mark))
            .collect()
    }

    /// A: two yes/partly/no items (weights 1 and 3, the second critical); B: a points
    /// item (0–4, weight 2) and a yes/no item (weight 2).
    fn checklist() -> Vec<ChecklistSection> {
        vec![
            section(
                "A",
                vec![
                    item("A1", AnswerScale::YesPartlyNo, 1, false),
                    item("A2", AnswerScale::YesPartlyNo, 3, true),
                ],
            ),
            section(
                "B",
                vec![
                    item("B1", AnswerScale::Points, 2, false),
                    item("B2", AnswerScale::YesNo, 2, false),
                ],
            ),
        ]
    }

    #[test]
    fn every_answer_kind_scores_its_share() {
        let yes_partly_no = item("x", AnswerScale::YesPartlyNo, 1, false);
        let yes_no = item("x", AnswerScale::YesNo, 1, false);
        let scale = item("x", AnswerScale::Points, 1, false);
        assert_eq!(item_result(&yes_partly_no, None), ItemResult::Unanswered);
        assert_eq!(
            item_result(&yes_partly_no, Some(&choice(Choice::Yes))),
            ItemResult::Met(1.0)
        );
        assert_eq!(
            item_result(&yes_partly_no, Some(&choice(Choice::Partly))),
            ItemResult::Met(0.5)
        );
        assert_eq!(
            item_result(&yes_partly_no, Some(&choice(Choice::No))),
            ItemResult::Met(0.0)
        );
        assert_eq!(
            item_result(&yes_partly_no, Some(&choice(Choice::NotApplicable))),
            ItemResult::NotApplicable
        );
        // `partly` does not fit a yes/no item, points do not fit a choice item.
        assert_eq!(
            item_result(&yes_no, Some(&choice(Choice::Partly))),
            ItemResult::Unanswered
        );
        assert_eq!(
            item_result(&yes_no, Some(&points(1))),
            ItemResult::Unanswered
        );
        assert_eq!(
            item_result(&yes_no, Some(&choice(Choice::No))),
            ItemResult::Met(0.0)
        );
        for (given, share) in [(0, 0.0), (1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0)] {
            assert_eq!(
                item_result(&scale, Some(&points(given))),
                ItemResult::Met(share)
            );
            assert!(fits(&scale, &points(given)));
        }
        for wrong in [-1, 5] {
            assert_eq!(
                item_result(&scale, Some(&points(wrong))),
                ItemResult::Unanswered
            );
            assert!(!fits(&scale, &points(wrong)));
        }
        assert_eq!(
            item_result(&scale, Some(&choice(Choice::Yes))),
            ItemResult::Unanswered
        );
        assert_eq!(
            item_result(&scale, Some(&choice(Choice::NotApplicable))),
            ItemResult::NotApplicable
        );
        // Both a choice and points: not an answer.
        let both = Mark {
            choice: Some(Choice::Yes),
            points: Some(4),
        };
        assert!(!fits(&scale, &both));
        // A points item without a maximum cannot be answered.
        let broken = ChecklistItem {
            max_points: None,
            ..scale.clone()
        };
        assert!(!fits(&broken, &points(0)));
    }

    #[test]
    fn nothing_answered_has_no_percent_and_no_verdict() {
        let s = score(&checklist(), 80, &BTreeMap::new());
        assert_eq!(s.percent, None);
        assert_eq!(s.passed, None);
        assert!(!s.complete);
        assert_eq!((s.answered, s.items), (0, 4));
        assert!(s.sections.iter().all(|part| part.percent.is_none()));
        assert!(s.findings.is_empty());
    }

    #[test]
    fn all_met_passes_with_one_hundred_percent() {
        let s = score(
            &checklist(),
            80,
            &marks(&[
                ("A1", choice(Choice::Yes)),
                ("A2", choice(Choice::Yes)),
                ("B1", points(4)),
                ("B2", choice(Choice::Yes)),
            ]),
        );
        assert_eq!(s.percent, Some(100.0));
        assert_eq!(s.passed, Some(true));
        assert!(s.complete && s.findings.is_empty() && s.critical_failed.is_empty());
        assert_eq!((s.earned, s.possible), (8.0, 8.0));
    }

    #[test]
    fn weights_sections_and_totals() {
        // A: 1·½ + 3·1 = 3.5 of 4 → 87.5 %; B: 2·¾ + 2·0 = 1.5 of 4 → 37.5 %;
        // total 5 of 8 = 62.5 %.
        let s = score(
            &checklist(),
            60,
            &marks(&[
                ("A1", choice(Choice::Partly)),
                ("A2", choice(Choice::Yes)),
                ("B1", points(3)),
                ("B2", choice(Choice::No)),
            ]),
        );
        assert_eq!(s.sections[0].percent, Some(87.5));
        assert_eq!(s.sections[1].percent, Some(37.5));
        assert_eq!((s.sections[0].earned, s.sections[0].possible), (3.5, 4.0));
        assert_eq!(s.percent, Some(62.5));
        assert_eq!(s.findings, vec!["A1", "B1", "B2"]);
        assert!(s.critical_failed.is_empty());
        assert_eq!(s.passed, Some(true));
        // The same answers under a higher threshold fail.
        let stricter = score(
            &checklist(),
            63,
            &marks(&[
                ("A1", choice(Choice::Partly)),
                ("A2", choice(Choice::Yes)),
                ("B1", points(3)),
                ("B2", choice(Choice::No)),
            ]),
        );
        assert_eq!(stricter.passed, Some(false));
    }

    #[test]
    fn the_threshold_is_reached_exactly() {
        // 4 of 5 weighted points = 80 % exactly, threshold 80: pass.
        let sections = vec![section(
            "A",
            (1..=5)
                .map(|n| item(&format!("A{n}"), AnswerScale::YesNo, 1, false))
                .collect(),
        )];
        let answers = marks(&[
            ("A1", choice(Choice::Yes)),
            ("A2", choice(Choice::Yes)),
            ("A3", choice(Choice::Yes)),
            ("A4", choice(Choice::Yes)),
            ("A5", choice(Choice::No)),
        ]);
        assert_eq!(score(&sections, 80, &answers).passed, Some(true));
        assert_eq!(score(&sections, 81, &answers).passed, Some(false));
        // Thirds: 2 of 3 points on a 0–3 item is 66.7 % shown, and passes 66 but not 67.
        let thirds = vec![section(
            "P",
            vec![ChecklistItem {
                max_points: Some(3),
                ..item("P1", AnswerScale::Points, 1, false)
            }],
        )];
        let two = marks(&[("P1", points(2))]);
        assert_eq!(score(&thirds, 66, &two).percent, Some(66.7));
        assert_eq!(score(&thirds, 66, &two).passed, Some(true));
        assert_eq!(score(&thirds, 67, &two).passed, Some(false));
    }

    #[test]
    fn a_failed_critical_item_fails_whatever_the_total() {
        // A2 (critical, weight 3) partly met: 6.5 of 8 = 81.3 %, failed all the same.
        let answers = marks(&[
            ("A1", choice(Choice::Yes)),
            ("A2", choice(Choice::Partly)),
            ("B1", points(4)),
            ("B2", choice(Choice::Yes)),
        ]);
        let s = score(&checklist(), 50, &answers);
        assert_eq!(s.percent, Some(81.3));
        assert_eq!(s.critical_failed, vec!["A2"]);
        assert_eq!(s.passed, Some(false));
        // Known before the visit is complete.
        let early = score(&checklist(), 50, &marks(&[("A2", choice(Choice::No))]));
        assert!(!early.complete);
        assert_eq!(early.passed, Some(false));
        // Not applicable is not a failure.
        let skipped = score(
            &checklist(),
            50,
            &marks(&[
                ("A1", choice(Choice::Yes)),
                ("A2", choice(Choice::NotApplicable)),
                ("B1", points(4)),
                ("B2", choice(Choice::Yes)),
            ]),
        );
        assert_eq!(skipped.passed, Some(true));
        assert_eq!((skipped.earned, skipped.possible), (5.0, 5.0));
    }

    #[test]
    fn not_applicable_leaves_items_out_and_counts_as_answered() {
        let s = score(
            &checklist(),
            80,
            &marks(&[
                ("A1", choice(Choice::NotApplicable)),
                ("A2", choice(Choice::NotApplicable)),
                ("B1", points(2)),
                ("B2", choice(Choice::Yes)),
            ]),
        );
        assert_eq!(s.sections[0].percent, None);
        assert_eq!(s.sections[0].answered, 2);
        assert_eq!(s.sections[1].percent, Some(75.0));
        assert_eq!(s.percent, Some(75.0));
        assert!(s.complete);
        assert_eq!(s.passed, Some(false));
        // Everything not applicable: complete, nothing to fail.
        let none = score(
            &checklist(),
            80,
            &marks(&[
                ("A1", choice(Choice::NotApplicable)),
                ("A2", choice(Choice::NotApplicable)),
                ("B1", choice(Choice::NotApplicable)),
                ("B2", choice(Choice::NotApplicable)),
            ]),
        );
        assert_eq!(none.percent, None);
        assert_eq!(none.passed, Some(true));
    }

    #[test]
    fn an_incomplete_visit_has_a_running_percent_but_no_verdict() {
        let s = score(
            &checklist(),
            80,
            &marks(&[("A1", choice(Choice::Yes)), ("B1", points(1))]),
        );
        assert!(!s.complete);
        assert_eq!((s.answered, s.items), (2, 4));
        // 1 + 2·¼ = 1.5 of 3.
        assert_eq!(s.percent, Some(50.0));
        assert_eq!(s.passed, None);
        assert_eq!(s.findings, vec!["B1"]);
        // Marks for codes not in the checklist are ignored.
        let stray = score(&checklist(), 80, &marks(&[("Z9", choice(Choice::No))]));
        assert_eq!(stray.answered, 0);
        assert!(stray.findings.is_empty());
    }

    #[test]
    fn an_empty_checklist_scores_nothing() {
        let s = score(&[], 80, &BTreeMap::new());
        assert!(s.complete);
        assert_eq!(s.percent, None);
        assert_eq!(s.passed, Some(true));
        assert!(s.sections.is_empty());
    }
}
