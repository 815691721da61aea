//! SVG charts of the indicator dashboard: per indicator, one bar per station of its
//! actual value with a tick at its target; and per indicator, how its attainment moved
//! quarter by quarter. Drawn as plain SVG (no script, no library): the CSP allows
//! nothing else, and the charts print.

use leptos::prelude::*;
use shared::plan::{BoardRow, MET_PERCENT, TrafficLight};

use super::{DirectionNote, format_number, format_optional, light_class};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Width of the bar chart's drawing, in its own units.
const WIDTH: f64 = 640.0;
/// Width kept for the station names on the left.
const LABEL_WIDTH: f64 = 190.0;
/// Width kept for the figures on the right.
const VALUE_WIDTH: f64 = 110.0;
/// Height of one station's line.
const ROW_HEIGHT: f64 = 28.0;
/// Height of one bar.
const BAR_HEIGHT: f64 = 14.0;

/// A name cut to fit the label column.
fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let cut: String = name.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// One bar per station: the actual value as a bar coloured by its traffic light, the
/// target as a tick.
#[component]
pub(super) fn IndicatorChart(
    /// Indicator code.
    code: String,
    /// Indicator name (the chart's accessible name).
    name: String,
    /// The rows of this indicator, one per station (or one for the network).
    rows: Vec<BoardRow>,
) -> impl IntoView {
    let lang = use_lang();
    let direction = rows.first().map(|row| row.direction).unwrap_or_default();
    let scale = rows
        .iter()
        .flat_map(|row| [row.target, row.actual])
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let area = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let x = move |value: f64| LABEL_WIDTH + (value.max(0.0) / scale).min(1.0) * area;
    let height = ROW_HEIGHT * rows.len() as f64 + 8.0;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let top = 4.0 + ROW_HEIGHT * index as f64;
            let bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
            let label = row.facility.as_ref().map(|facility| short(&facility.name, 28));
            let actual = row.actual;
            let target = row.target;
            let bar = actual.map(|actual| {
                view! {
                    <rect
                        class=format!("chart-bar {}", light_class(row.light))
                        x=LABEL_WIDTH
                        y=bar_top
                        width=(x(actual) - LABEL_WIDTH).max(1.0)
                        height=BAR_HEIGHT
                        rx="2"
                    />
                }
            });
            let tick = target.map(|target| {
                let at = x(target);
                view! {
                    <line
                        class="chart-target"
                        x1=at
                        x2=at
                        y1=bar_top - 4.0
                        y2=bar_top + BAR_HEIGHT + 4.0
                    />
                }
            });
            view! {
                <g class="chart-row" data-facility-id=row.facility.as_ref().map(|facility| facility.id)>
                    <text class="chart-label" x=LABEL_WIDTH - 8.0 y=bar_top + BAR_HEIGHT - 3.0 text-anchor="end">
                        {move || label.clone().unwrap_or_else(|| lang.t(Key::WholeNetwork).to_string())}
                    </text>
                    <rect class="chart-track" x=LABEL_WIDTH y=bar_top width=area height=BAR_HEIGHT rx="2" />
                    {bar}
                    {tick}
                    <text class="chart-value" x=WIDTH - VALUE_WIDTH + 8.0 y=bar_top + BAR_HEIGHT - 3.0>
                        {move || {
                            let lang = lang.get();
                            format!("{} / {}", format_optional(lang, actual), format_optional(lang, target))
                        }}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart-figure">
            <figcaption class="small">
                <strong>{code.clone()}</strong> " " {name.clone()} " " <DirectionNote direction />
            </figcaption>
            <svg
                class="indicator-chart"
                data-indicator=code
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-label=move || format!("{name} — {}", lang.t(Key::ChartActualVsTarget))
                preserveAspectRatio="xMinYMin meet"
            >
                {bars}
            </svg>
        </figure>
    }
}

/// Width of the quarter chart's drawing.
const Q_WIDTH: f64 = 240.0;
/// Height of its drawing.
const Q_HEIGHT: f64 = 120.0;
/// Room under the bars for the quarter names.
const Q_AXIS: f64 = 18.0;
/// Room above the tallest bar for its figure.
const Q_HEADROOM: f64 = 16.0;
/// The attainment at the top of the chart: met, as no attainment goes above it.
const Q_MAX_PERCENT: f64 = MET_PERCENT;

/// How an indicator's attainment moved over the quarters: one bar per quarter (its
/// average attainment over the stations, each counted at most 100 %), with the 100 %
/// line at the top.
#[component]
pub(super) fn QuarterChart(
    /// Indicator code.
    code: String,
    /// (quarter label, average attainment in percent).
    points: Vec<(String, Option<f64>)>,
) -> impl IntoView {
    let lang = use_lang();
    let plot = Q_HEIGHT - Q_AXIS;
    let y = move |percent: f64| {
        plot - (percent.clamp(0.0, Q_MAX_PERCENT) / Q_MAX_PERCENT) * (plot - Q_HEADROOM)
    };
    let slot = Q_WIDTH / points.len().max(1) as f64;
    let hundred = y(100.0);
    let bars = points
        .into_iter()
        .enumerate()
        .map(|(index, (label, percent))| {
            let left = slot * index as f64;
            let bar = percent.map(|percent| {
                let top = y(percent);
                view! {
                    <rect
                        class=format!("chart-bar {}", light_class(Some(TrafficLight::of(percent))))
                        x=left + slot * 0.2
                        y=top
                        width=slot * 0.6
                        height=(plot - top).max(1.0)
                        rx="2"
                    />
                    <text class="chart-value" x=left + slot / 2.0 y=top - 4.0 text-anchor="middle">
                        {move || format!("{}%", format_number(lang.get(), percent.round()))}
                    </text>
                }
            });
            view! {
                <g class="chart-quarter" data-percent=percent>
                    {bar}
                    <text class="chart-label" x=left + slot / 2.0 y=Q_HEIGHT - 4.0 text-anchor="middle">
                        {label}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="quarter-chart"
            data-indicator=code
            viewBox=format!("0 0 {Q_WIDTH} {Q_HEIGHT}")
            role="img"
            aria-label=move || lang.t(Key::ChartByQuarter)
        >
            <line class="chart-axis" x1="0" x2=Q_WIDTH y1=plot y2=plot />
            <line class="chart-hundred" x1="0" x2=Q_WIDTH y1=hundred y2=hundred />
            {bars}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut() {
        assert_eq!(short("Trạm Y tế", 28), "Trạm Y tế");
        assert_eq!(short("abcdef", 4), "abc…");
    }
}
