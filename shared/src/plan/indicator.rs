//! Indicator arithmetic: how far an actual value reaches its target, the traffic light a
//! report shows for it, and the share of facilities meeting a condition.

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
    pub enum Direction {
        HigherIsBetter = "higher_is_better", "Càng cao càng tốt", "Higher is better";
        LowerIsBetter = "lower_is_better", "Càng thấp càng tốt", "Lower is better";
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

/// How far `actual` reaches `target`, in percent (rounded to one decimal), or `None` when
/// it cannot be said (no target, a negative value). Higher-is-better: actual ÷ target;
/// lower-is-better: target ÷ actual (reaching zero when the target is zero counts as
/// 100 %); yes/no: 100 % when the answer is the target's, 0 % otherwise.
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
                100.0
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
        (_, Direction::LowerIsBetter) => match (target == 0.0, actual == 0.0) {
            (_, true) => 100.0,
            (true, false) => 0.0,
            (false, false) => target / actual * 100.0,
        },
    };
    Some((percent * 10.0).round() / 10.0)
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
        // Referrals up: at most 40, 32 sent: better than the target.
        assert_eq!(attainment(Count, LowerIsBetter, 40.0, 32.0), Some(125.0));
        assert_eq!(TrafficLight::of(125.0), TrafficLight::Green);
        assert_eq!(attainment(Count, LowerIsBetter, 0.0, 0.0), Some(100.0));
        assert_eq!(attainment(Count, LowerIsBetter, 0.0, 3.0), Some(0.0));
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
