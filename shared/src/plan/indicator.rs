//! Indicator arithmetic: how far an actual value reaches its target, the traffic light a
//! report shows for it, and the share of facilities meeting a condition.
//!
//! Attainment is a score, never a ratio shown as such: it stops at 100 % ("met"), so a
//! station that sent 1 referral up against a ceiling of 10 reads "met", not 1,000 %. The
//! actual value is what readers compare against the target; it is shown beside.

labelled_enum! {
    /// What an indicator counts.
    pub enum IndicatorKind {
        Count = "count", "Số lượng", "Count";
        Percentage = "percentage", "Tỷ lệ phần trăm", "Percentage";
        YesNo = "yes_no", "Có/Không", "Yes/no";
    }
}

labelled_enum! {
    /// Which way is better.
    // Named apart from the referral's `Direction` (up/down) in the OpenAPI document.
    #[cfg_attr(feature = "openapi", schema(as = IndicatorDirection))]
    #[derive(Default)]
    pub enum Direction {
        #[default]
        HigherIsBetter = "higher_is_better", "Càng cao càng tốt", "Higher is better";
        LowerIsBetter = "lower_is_better", "Càng thấp càng tốt", "Lower is better";
    }
}

impl Direction {
    /// An arrow readers see next to the indicator's name: up when more is better, down
    /// when less is (referrals sent up, absences).
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "↑",
            Direction::LowerIsBetter => "↓",
        }
    }
}

labelled_enum! {
    /// Traffic light of an attainment: green from 100 %, amber from 80 %, red below.
    pub enum TrafficLight {
        Green = "green", "Đạt", "Met";
        Amber = "amber", "Gần đạt", "Nearly met";
        Red = "red", "Chưa đạt", "Not met";
    }
}

/// Attainment from this percentage on is amber rather than red.
pub const AMBER_FROM_PERCENT: f64 = 80.0;

impl TrafficLight {
    /// The light of an attainment in percent.
    pub fn of(attainment_percent: f64) -> TrafficLight {
        if attainment_percent >= 100.0 {
            TrafficLight::Green
        } else if attainment_percent >= AMBER_FROM_PERCENT {
            TrafficLight::Amber
        } else {
            TrafficLight::Red
        }
    }
}

/// The attainment that means "met": no score goes above it.
pub const MET_PERCENT: f64 = 100.0;

/// How far `actual` reaches `target`, in percent from 0 to 100 (rounded to one decimal),
/// or `None` when it cannot be said (no target, a negative value).
///
/// - Higher is better: actual ÷ target, 100 % once the target is reached (a zero target
///   says nothing, so `None`).
/// - Lower is better (a ceiling): 100 % at or under the target; above it, target ÷
///   actual (twice the ceiling is 50 %; over a zero ceiling, 0 %).
/// - Yes/no: 100 % when the answer is the target's, 0 % otherwise.
pub fn attainment(
    kind: IndicatorKind,
    direction: Direction,
    target: f64,
    actual: f64,
) -> Option<f64> {
    if !target.is_finite() || !actual.is_finite() || target < 0.0 || actual < 0.0 {
        return None;
    }
    let percent = match (kind, direction) {
        (IndicatorKind::YesNo, _) => {
            if (actual >= 0.5) == (target >= 0.5) {
                MET_PERCENT
            } else {
                0.0
            }
        }
        (_, Direction::HigherIsBetter) => {
            if target == 0.0 {
                return None;
            }
            actual / target * 100.0
        }
        (_, Direction::LowerIsBetter) if actual <= target => MET_PERCENT,
        // Above a zero ceiling nothing is met; above another, the further the lower.
        (_, Direction::LowerIsBetter) if target == 0.0 => 0.0,
        (_, Direction::LowerIsBetter) => target / actual * 100.0,
    };
    Some(round_tenth(cap(percent)))
}

/// An attainment held within 0–100 %: what a light and an average may count, whatever
/// produced the figure (an evaluation stored before attainment was capped included).
pub fn cap(percent: f64) -> f64 {
    percent.clamp(0.0, MET_PERCENT)
}

/// The average attainment of an indicator over several stations (or quarters), each
/// capped first so that one station far over its target cannot hide others under it;
/// `None` when none has one.
pub fn average_attainment(percents: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, count) = percents
        .into_iter()
        .filter(|p| p.is_finite())
        .fold((0.0, 0_usize), |(sum, count), p| (sum + cap(p), count + 1));
    (count > 0).then(|| round_tenth(sum / count as f64))
}

fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The share of facilities meeting a condition, in percent (one decimal); `None` for no
/// facility.
pub fn share_percent(meeting: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| ((meeting as f64 / of as f64) * 1000.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;
    use IndicatorKind::*;

    #[test]
    fn attainment_follows_the_direction() {
        // 18 rotation days delivered of 24 planned: 75 %, red.
        assert_eq!(attainment(Count, HigherIsBetter, 24.0, 18.0), Some(75.0));
        assert_eq!(TrafficLight::of(75.0), TrafficLight::Red);
        // 70 % of stations targeted, 63.6 % reached: 90.9 %, amber.
        let reached = share_percent(7, 11).unwrap_or_default();
        assert_eq!(reached, 63.6);
        let percent = attainment(Percentage, HigherIsBetter, 70.0, reached);
        assert_eq!(percent, Some(90.9));
        assert_eq!(TrafficLight::of(90.9), TrafficLight::Amber);
        // Referrals up: a ceiling of 40, 32 sent: met, and no more than met.
        assert_eq!(attainment(Count, LowerIsBetter, 40.0, 32.0), Some(100.0));
        assert_eq!(TrafficLight::of(100.0), TrafficLight::Green);
        assert_eq!(attainment(Count, LowerIsBetter, 0.0, 0.0), Some(100.0));
        assert_eq!(attainment(Count, LowerIsBetter, 0.0, 3.0), Some(0.0));
    }

    #[test]
    fn lower_is_better_is_met_at_or_under_its_ceiling() {
        // The demo's CT04: a ceiling of 10 referrals up a quarter. One or two sent read
        // "met" (they read 1,000 % and 500 % before).
        for sent in [0.0, 1.0, 2.0, 9.5, 10.0] {
            assert_eq!(attainment(Count, LowerIsBetter, 10.0, sent), Some(100.0));
        }
        // Over the ceiling the score falls: 12 is 83.3 % (amber), 20 is 50 % (red).
        assert_eq!(attainment(Count, LowerIsBetter, 10.0, 12.0), Some(83.3));
        assert_eq!(TrafficLight::of(83.3), TrafficLight::Amber);
        assert_eq!(attainment(Count, LowerIsBetter, 10.0, 20.0), Some(50.0));
        assert_eq!(TrafficLight::of(50.0), TrafficLight::Red);
        // A percentage ceiling (e.g. a share of unjustified referrals at most 5 %).
        assert_eq!(attainment(Percentage, LowerIsBetter, 5.0, 4.0), Some(100.0));
        assert_eq!(attainment(Percentage, LowerIsBetter, 5.0, 10.0), Some(50.0));
    }

    #[test]
    fn attainment_never_exceeds_met() {
        // 36 rotation days of 24: met, 100 % (the 36 is shown beside it).
        assert_eq!(attainment(Count, HigherIsBetter, 24.0, 36.0), Some(100.0));
        for direction in [HigherIsBetter, LowerIsBetter] {
            for kind in [Count, Percentage, YesNo] {
                for target in [0.0, 0.5, 1.0, 10.0, 80.0, 1500.0] {
                    for actual in [0.0, 0.4, 1.0, 2.0, 10.0, 100.0, 1e9] {
                        if let Some(p) = attainment(kind, direction, target, actual) {
                            assert!(
                                (0.0..=MET_PERCENT).contains(&p),
                                "{kind:?} {direction:?} {target} {actual}: {p}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn averages_count_each_station_at_most_met() {
        // Five stations under a ceiling (100 % each) and one far over: the quarter is
        // not 517 %, and the one over its ceiling pulls the average down.
        assert_eq!(
            average_attainment([100.0, 100.0, 100.0, 100.0, 100.0, 25.0]),
            Some(87.5)
        );
        // Figures stored uncapped (an old evaluation) are capped on the way in.
        assert_eq!(average_attainment([1000.0, 500.0, 50.0]), Some(83.3));
        assert_eq!(average_attainment([f64::NAN, 80.0]), Some(80.0));
        assert_eq!(average_attainment(Vec::new()), None);
        assert_eq!(cap(-3.0), 0.0);
    }

    #[test]
    fn the_arrow_says_which_way_is_better() {
        use crate::{Labelled, Lang};
        assert_eq!(LowerIsBetter.arrow(), "↓");
        assert_eq!(HigherIsBetter.arrow(), "↑");
        assert_eq!(LowerIsBetter.label(Lang::Vi), "Càng thấp càng tốt");
        assert_eq!(Direction::default(), HigherIsBetter);
    }

    #[test]
    fn yes_no_and_undefined_cases() {
        assert_eq!(attainment(YesNo, HigherIsBetter, 1.0, 1.0), Some(100.0));
        assert_eq!(attainment(YesNo, HigherIsBetter, 1.0, 0.0), Some(0.0));
        assert_eq!(attainment(Count, HigherIsBetter, 0.0, 5.0), None);
        assert_eq!(attainment(Count, HigherIsBetter, 10.0, -1.0), None);
        assert_eq!(attainment(Count, HigherIsBetter, f64::NAN, 1.0), None);
        assert_eq!(share_percent(0, 0), None);
        assert_eq!(share_percent(5, 5), Some(100.0));
    }
}
