//! The latency section of `report.html`: the load phase's figures per
//! endpoint and an inline SVG plot of latency by percentile (no image or
//! script from elsewhere), or the appropriateness phase's figures for
//! information when the load phase was skipped.

use super::html::{esc, text};
use super::Run;
use std::fmt::Write;

/// One line of a latency plot: name, colour, (percentile, ms) points.
pub type Series<'a> = (&'a str, &'a str, &'a [(f64, f64)]);

/// An inline SVG of latency against percentile (log scale of 1/(1−p)), one
/// line per series, with each budget as a dashed line: `budgets` are
/// (label, ms), one when every endpoint has the run's budget, one per
/// endpoint when some have their own.
pub fn plot(series: &[Series<'_>], budgets: &[(String, f64)]) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 300.0, 56.0, 40.0, 16.0, 16.0);
    let x_of = |p: f64| {
        let p = p.min(99.999);
        let v = (1.0 / (1.0 - p / 100.0)).log10(); // 0 … 5
        left + v / 5.0 * (w - left - right)
    };
    let max_ms = series
        .iter()
        .flat_map(|(_, _, pts)| pts.iter().map(|p| p.1))
        .chain(budgets.iter().map(|(_, b)| b * 1.2))
        .fold(1.0, f64::max);
    let y_of = |ms: f64| top + (1.0 - ms / max_ms) * (h - top - bottom);
    let mut o = String::new();
    let _ = write!(o, "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"latency by percentile\">");
    let _ = write!(
        o,
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>"
    );
    for (p, label) in [
        (0.0, "0%"),
        (90.0, "90%"),
        (99.0, "99%"),
        (99.9, "99.9%"),
        (99.99, "99.99%"),
    ] {
        let x = x_of(p);
        let _ = write!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>",
            h - bottom
        );
        let _ = write!(
            o,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            h - bottom + 14.0
        );
    }
    for i in 0..=4 {
        let ms = max_ms * i as f64 / 4.0;
        let y = y_of(ms);
        let _ = write!(
            o,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>",
            w - right
        );
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{ms:.0} ms</text>",
            left - 4.0,
            y + 4.0
        );
    }
    for (i, (label, ms)) in budgets.iter().enumerate() {
        let by = y_of(*ms);
        // Labels of budgets close together stand apart along the line.
        let lx = w - right - 190.0 * i as f64;
        let _ = write!(o, "<line x1=\"{left}\" y1=\"{by:.1}\" x2=\"{:.1}\" y2=\"{by:.1}\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>", w - right);
        let _ = write!(o, "<text x=\"{lx:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#c62828\" text-anchor=\"end\">{} {ms} ms</text>", by - 4.0, esc(label));
    }
    for (i, (name, colour, pts)) in series.iter().enumerate() {
        let path: Vec<String> = pts
            .iter()
            .map(|&(p, ms)| format!("{:.1},{:.1}", x_of(p), y_of(ms)))
            .collect();
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{colour}\">{}</text>",
            left + 8.0,
            top + 14.0 + 14.0 * i as f64,
            esc(name)
        );
    }
    let _ = write!(o, "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">percentile of requests</text>", (w + left) / 2.0, h - 6.0);
    o.push_str("</svg>");
    o
}

/// The latency section: the load phase's figures and plot (corrected and
/// service time per endpoint), or the appropriateness phase's for
/// information when there was no load phase.
pub(super) fn speed(o: &mut String, run: &Run) {
    let colours = ["#1565c0", "#6a1b9a", "#2e7d32", "#ef6c00"];
    let _ = writeln!(o, "<h2>Speed of detection</h2>");
    match &run.load {
        Some(l) => {
            let _ = writeln!(
                o,
                "<p>{:.0} messages per second to each endpoint for {:.0} seconds, sent on a fixed schedule whatever the service did. \
                 Times count from when each message was due, so a stalled service cannot hide its stalls.</p>",
                l.config.rate_per_s,
                l.config.duration.as_secs_f64()
            );
            let _ = writeln!(o, "<table><tr><th>endpoint</th><th>answers measured</th><th>median</th><th>99%</th><th>99%, upper estimate</th><th>slowest</th><th>errors</th><th>result</th></tr>");
            for (e, x) in &l.endpoints {
                let c = &x.corrected;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    esc(e.title()),
                    c.samples,
                    c.p50_ms,
                    c.p99_ms,
                    x.p99_upper_bound_ms.map_or("—".to_string(), |b| format!("{b:.1} ms")),
                    c.max_ms,
                    x.errors,
                    text(&x.reasons.join(" "))
                );
            }
            let _ = writeln!(o, "</table>");
            let dists: Vec<(String, Vec<(f64, f64)>)> = l
                .endpoints
                .iter()
                .flat_map(|(e, x)| {
                    [
                        (
                            format!("{} (from due time)", e.title()),
                            crate::latency::distribution(&x.hist_corrected),
                        ),
                        (
                            format!("{} (service time)", e.title()),
                            crate::latency::distribution(&x.hist_service),
                        ),
                    ]
                })
                .collect();
            let series: Vec<Series<'_>> = dists
                .iter()
                .enumerate()
                .map(|(k, (name, d))| (name.as_str(), colours[k % colours.len()], d.as_slice()))
                .collect();
            o.push_str(&plot(&series, &budgets(run, l.endpoints.keys().copied())));
        }
        None => {
            let _ = writeln!(o, "<p><b>Not verified under load</b> (the load phase was skipped). For information, the times seen while checking each message:</p>");
            let _ = writeln!(o, "<table><tr><th>endpoint</th><th>answers</th><th>median</th><th>99%</th><th>slowest</th></tr>");
            for (e, l) in &run.latency {
                let s = &l.stats;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td></tr>",
                    esc(e.title()), s.samples, s.p50_ms, s.p99_ms, s.max_ms
                );
            }
            let _ = writeln!(o, "</table>");
            let series: Vec<Series<'_>> = run
                .latency
                .iter()
                .enumerate()
                .map(|(k, (e, l))| {
                    (
                        e.title(),
                        colours[k % colours.len()],
                        l.distribution.as_slice(),
                    )
                })
                .collect();
            o.push_str(&plot(&series, &budgets(run, run.latency.keys().copied())));
        }
    }
}

/// The budget lines of a plot of `endpoints`: one, "budget", when they all
/// have the same; otherwise one per endpoint, named.
fn budgets(
    run: &Run,
    endpoints: impl Iterator<Item = crate::contract::Endpoint>,
) -> Vec<(String, f64)> {
    let own: Vec<(String, f64)> = endpoints
        .map(|e| (format!("{} budget", e.title()), run.budget(e)))
        .collect();
    match own.first() {
        Some((_, b)) if own.iter().all(|(_, x)| x == b) => vec![("budget".to_string(), *b)],
        None => vec![("budget".to_string(), run.info.p99_budget_ms)],
        Some(_) => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_is_an_svg_with_a_budget_line() {
        let pts = [(0.0, 1.0), (50.0, 2.0), (99.0, 40.0), (100.0, 120.0)];
        let svg = plot(
            &[("Safety Sentinel", "#000", &pts)],
            &[("budget".into(), 100.0)],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("budget 100 ms") && svg.contains("polyline"));
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
    }

    #[test]
    fn each_budget_of_its_own_is_a_line_of_its_own() {
        let pts = [(0.0, 1.0), (99.0, 40.0)];
        let svg = plot(
            &[("Safety Sentinel", "#000", &pts)],
            &[
                ("Safety Sentinel budget".into(), 100.0),
                ("Medical Boundaries budget".into(), 2000.0),
            ],
        );
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
        assert!(svg.contains("Safety Sentinel budget 100 ms"));
        assert!(svg.contains("Medical Boundaries budget 2000 ms"));
        // The scale reaches past the highest budget.
        assert!(svg.contains("2400 ms"));
    }
}
