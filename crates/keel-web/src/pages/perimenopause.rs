//! Progress's perimenopause part: the stage timeline (periods on a strip, cycle lengths), the
//! MRS by domain over time and what follows from it, each symptom's weekly mean, and how each
//! goes with pain.

use chrono::{Duration, NaiveDate};
use keel_app::progress::ProgressView;
use keel_core::symptoms::Symptom;
use maud::{Markup, PreEscaped, html};

use crate::pages::kit::one_place;

/// The strip's width in its own units, and the days it spans.
const WIDTH: f64 = 360.0;
const SPAN_DAYS: i64 = 365;

/// A year of periods on one strip, a tick per quarter, readable in black and white.
pub(crate) fn timeline(view: &ProgressView, today: NaiveDate) -> Markup {
    let start = today - Duration::days(SPAN_DAYS);
    let x = |d: NaiveDate| {
        ((d - start).num_days().clamp(0, SPAN_DAYS) as f64) / SPAN_DAYS as f64 * WIDTH
    };
    let periods: Vec<_> = view
        .stage
        .assessment
        .periods
        .iter()
        .filter(|p| p.end >= start)
        .collect();
    let mut svg = String::new();
    svg.push_str(&format!(
        r##"<svg class="strip" viewBox="0 0 {WIDTH} 64" role="img" aria-label="Your periods over the last year: {} periods"><rect x="0" y="14" width="{WIDTH}" height="18" fill="#f3f5f7" stroke="#8a949e"/>"##,
        periods.len()
    ));
    for p in &periods {
        let (a, b) = (x(p.start), x(p.end + Duration::days(1)));
        svg.push_str(&format!(
            r##"<rect x="{a:.1}" y="14" width="{:.1}" height="18" fill="#a83a45"><title>{} to {}</title></rect>"##,
            (b - a).max(2.0),
            p.start.format("%-d %b"),
            p.end.format("%-d %b")
        ));
    }
    for q in 0..=4 {
        let d = start + Duration::days(SPAN_DAYS * q / 4);
        let at = x(d);
        let anchor = match q {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        svg.push_str(&format!(
            r##"<line x1="{at:.1}" y1="32" x2="{at:.1}" y2="38" stroke="#5a6570"/><text x="{at:.1}" y="56" font-size="16" text-anchor="{anchor}" fill="#2b3035">{}</text>"##,
            d.format("%b %y")
        ));
    }
    svg.push_str("</svg>");
    html! { (PreEscaped(svg)) }
}

/// One article per symptom she rates, each once.
fn symptom_articles(rated: &[String]) -> Vec<&'static keel_core::content::Article> {
    let mut out: Vec<&'static keel_core::content::Article> = Vec::new();
    for k in rated {
        if let Some(a) = keel_core::content::articles_for(&format!("symptom:{k}")).first()
            && !out.iter().any(|o| o.slug == a.slug)
        {
            out.push(a);
        }
    }
    out
}

/// The section, shown once she has logged bleeding, rated a symptom or answered the MRS.
pub(crate) fn section(view: &ProgressView, today: NaiveDate) -> Markup {
    let stage = &view.stage;
    let mrs = view
        .questionnaires
        .iter()
        .find(|q| q.instrument.id == "mrs");
    let rated: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for w in &view.symptom_weeks {
            for k in w.means.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        names
    };
    let any_mrs = mrs.is_some_and(|m| !m.history.is_empty());
    if stage.logged_days == 0 && stage.context.is_empty() && rated.is_empty() && !any_mrs {
        return html! {
            section aria-labelledby="peri-title" {
                h2 id="peri-title" { "Perimenopause" }
                p { "Nothing recorded yet. Log your periods on " a href="/cycle" { "your cycle" } " and rate symptoms in the check-in: your stage and what goes with your harder days will show here." }
            }
        };
    }
    let label = |k: &str| {
        Symptom::from_key(k)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| k.to_string())
    };
    let weeks: Vec<_> = view.symptom_weeks.iter().take(4).collect();
    let links: Vec<_> = view
        .symptom_links
        .iter()
        .filter(|l| {
            [l.same_day_rho, l.next_day_rho]
                .iter()
                .flatten()
                .any(|r| r.abs() >= keel_core::progress::PATTERN_RHO)
        })
        .collect();
    html! {
        section aria-labelledby="peri-title" {
            h2 id="peri-title" { "Perimenopause" }
            @if !view.mrs_suggestions.is_empty() {
                div class="alert soon" role="note" {
                    h3 { "Worth raising with a clinician" }
                    @for s in &view.mrs_suggestions { p { (s) } }
                    p { a href="/report" { "Take your report to the appointment" } }
                }
            }
            h3 { "Where you are: " a href="/cycle" { (stage.words) } }
            p { (stage.assessment.reason) }
            figure {
                (timeline(view, today))
                figcaption { "Your periods over the last twelve months, one dark block each." }
            }
            @if !stage.assessment.cycle_lengths.is_empty() {
                p { "Cycle lengths, oldest first: " (stage.assessment.cycle_lengths.iter().map(|c| format!("{c} days")).collect::<Vec<_>>().join(", ")) "." }
            }
            @if !rated.is_empty() {
                table {
                    caption { "Symptoms, weekly mean (0 none to 4 very severe)" }
                    thead { tr { th scope="col" { "Symptom" } @for w in &weeks { th scope="col" { "to " (w.end.format("%-d %b")) } } } }
                    tbody {
                        @for k in &rated {
                            tr { th scope="row" { (label(k)) } @for w in &weeks { td { (one_place(w.means.get(k).copied())) } } }
                        }
                    }
                }
                p class="item-links" {
                    @for (i, a) in symptom_articles(&rated).iter().enumerate() {
                        @if i > 0 { " · " }
                        a class="learn" href={"/learn/" (a.slug)} { (a.title) }
                    }
                }
                @if links.is_empty() {
                    p class="hint" { "No clear link yet between a symptom and your pain. Keel looks from 21 rated days on." }
                } @else {
                    ul class="findings" { @for l in &links { li { strong { (l.label) ": " } (l.summary) } } }
                }
            }
            @if let Some(m) = mrs.filter(|m| !m.history.is_empty()) {
                table {
                    caption { "Menopause Rating Scale by part" }
                    thead { tr {
                        th scope="col" { "Date" }
                        @for s in &m.instrument.subscales { th scope="col" { (s.label) " (of " (s.items.len() * 4) ")" } }
                        th scope="col" { "Total (of 44)" }
                    } }
                    tbody {
                        @for h in &m.history {
                            tr {
                                td { (h.date.format("%-d %b %Y")) }
                                @for s in &m.instrument.subscales { td { (h.score.subscales.get(&s.id).copied().unwrap_or(0.0)) } }
                                td { (h.score.total) @if let Some(b) = &h.score.band { " " (b) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
