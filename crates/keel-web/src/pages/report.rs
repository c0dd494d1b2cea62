//! The clinician report: a first page that tells the story of the period, then the details, as
//! print-friendly HTML and as a PDF (A4 or US Letter) with the same content. She chooses the
//! period (30, 90 or 180 days, or her own dates), the sections, the paper, and whether her name
//! and year of birth go on it.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use keel_app::report::request::{Asked, PRESETS, ReportRequest, Section};
use keel_app::report::{ChartDay, ReportData, adherence, bone_lines, gather, pdf_file};
use keel_core::ValidationErrors;
use maud::{Markup, html};

use crate::pages::kit::one_place;
use crate::pages::kit::{described_by, field_error, invalid};
use crate::state::AppState;
use keel_app::views::DISCLAIMER;

/// Pain (solid), sleep (dashed) and hot flushes (bars) on one time axis over the recorded
/// days, a triangle over each day with a warning sign.
fn chart(days: &[ChartDay]) -> Markup {
    let (w, h, left, top, bottom) = (640.0, 240.0, 34.0, 20.0, 46.0);
    let plot_h = h - top - bottom;
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return html! { p { "No check-ins to chart in this period." } };
    };
    let span = (last.date - first.date).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - first.date).num_days() as f64 / span * (w - left - 10.0);
    let y = |v: f64| top + plot_h - v / 10.0 * plot_h;
    let runs = |value: &dyn Fn(&ChartDay) -> Option<f64>| -> Vec<Vec<(f64, f64)>> {
        keel_app::progress::runs(days.iter().map(|d| (d.date, value(d))))
            .into_iter()
            .map(|r| r.into_iter().map(|(d, v)| (x(d), y(v))).collect())
            .collect()
    };
    let points = |r: &[(f64, f64)]| {
        r.iter()
            .map(|(a, b)| format!("{a:.1},{b:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let flushes = days.iter().any(|d| d.hot_flushes.is_some());
    let desc = keel_app::report::chart_description(days);
    html! {
        svg class="chart report-chart" viewBox={"0 0 " (w) " " (h)} role="img" aria-labelledby="rc-title rc-desc" xmlns="http://www.w3.org/2000/svg" {
            title id="rc-title" { "Pain, sleep and hot flushes" }
            desc id="rc-desc" { (desc) }
            @for tick in [0.0, 5.0, 10.0] {
                line x1=(left) y1=(y(tick)) x2=(w - 10.0) y2=(y(tick)) class="grid" {}
                text x=(left - 6.0) y=(y(tick) + 4.0) text-anchor="end" class="tick" { (tick) }
            }
            @if flushes {
                @for d in days.iter().filter(|d| d.hot_flushes.is_some_and(|r| r > 0)) {
                    @let r = f64::from(d.hot_flushes.unwrap_or(0));
                    rect x=(format!("{:.1}", x(d.date) - 2.0)) y=(format!("{:.1}", y(0.0) - r * 6.0)) width="4" height=(format!("{:.1}", r * 6.0)) class="bar flush" {}
                }
            }
            @for r in runs(&|d| d.sleep.map(f64::from)) {
                polyline class="line sleep" points=(points(&r)) {}
            }
            @for r in runs(&|d| Some(f64::from(d.pain))) {
                @if r.len() == 1 { circle cx=(r[0].0) cy=(r[0].1) r="3" class="point" {} }
                @else { polyline class="line" points=(points(&r)) {} }
            }
            @for d in days.iter().filter(|d| d.flag) {
                @let cx = x(d.date);
                polygon class="flag" points=(format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", cx - 5.0, top - 12.0, cx + 5.0, top - 12.0, cx, top - 3.0)) {}
            }
            text x=(left) y=(h - 24.0) class="tick" { (first.date.format("%-d %b %Y")) }
            text x=(w - 10.0) y=(h - 24.0) text-anchor="end" class="tick" { (last.date.format("%-d %b %Y")) }
        }
        p class="hint legend-line" {
            "Solid line: pain, 0 to 10. Dashed line: sleep, 0 to 10."
            @if flushes { " Bars: hot flushes, 0 to 4." }
            " A triangle marks a day with a warning sign."
        }
    }
}

fn choice_form(req: &ReportRequest, asked: &Asked, errors: &ValidationErrors) -> Markup {
    let days = asked.days.map(str::to_string).unwrap_or_else(|| {
        PRESETS
            .iter()
            .find(|p| **p == req.days() && asked.from.is_none())
            .map(|p| p.to_string())
            .unwrap_or_else(|| "custom".into())
    });
    html! {
        details class="panel no-print report-choice" open[!errors.is_empty()] {
        summary { "Change the period, sections or paper" }
        form method="get" action="/report" novalidate {
            input type="hidden" name="chosen" value="1";
            fieldset class="tap" aria-invalid=[invalid(errors, "days")] aria-describedby=[described_by(errors, "days")] {
                legend { "Period" }
                div class="chips" {
                    @for p in PRESETS {
                        @let v = p.to_string();
                        input type="radio" id={"days-" (p)} name="days" value=(v) checked[days == v];
                        label for={"days-" (p)} { "Last " (p) " days" }
                    }
                    input type="radio" id="days-custom" name="days" value="custom" checked[days == "custom"];
                    label for="days-custom" { "My own dates" }
                }
                (field_error(errors, "days"))
            }
            div class="dates" {
                label for="from" { "From" }
                input type="date" id="from" name="from" value=(asked.from.map(str::to_string).unwrap_or_else(|| req.from.to_string()))
                    aria-invalid=[invalid(errors, "from")] aria-describedby=[described_by(errors, "from")];
                label for="to" { "To" }
                input type="date" id="to" name="to" value=(asked.to.map(str::to_string).unwrap_or_else(|| req.to.to_string()))
                    aria-invalid=[invalid(errors, "to")] aria-describedby=[described_by(errors, "to")];
            }
            (field_error(errors, "from"))
            (field_error(errors, "to"))
            fieldset class="tap" aria-invalid=[invalid(errors, "sections")] aria-describedby=[described_by(errors, "sections")] {
                legend { "Sections " span class="hint" { "the summary, warning signs and pain are always in" } }
                div class="chips" {
                    @for (name, s) in Section::ALL {
                        input type="checkbox" id={"sec-" (name)} name="sections" value=(name) checked[req.has(s)];
                        label for={"sec-" (name)} { (s.label()) }
                    }
                }
                (field_error(errors, "sections"))
            }
            div class="row" {
                div class="field mini" {
                    label for="name" { "Your name " span class="hint" { "(optional, this report only)" } }
                    input type="text" id="name" name="name" maxlength="80" value=[asked.name]
                        aria-invalid=[invalid(errors, "name")] aria-describedby=[described_by(errors, "name")];
                    (field_error(errors, "name"))
                }
                div class="field mini" {
                    label for="born" { "Year of birth " span class="hint" { "(optional)" } }
                    input type="number" id="born" name="born" min="1900" inputmode="numeric" value=[asked.born]
                        aria-invalid=[invalid(errors, "born")] aria-describedby=[described_by(errors, "born")];
                    (field_error(errors, "born"))
                }
                div class="field mini" {
                    label for="paper" { "Paper" }
                    select id="paper" name="paper" {
                        option value="a4" selected[req.paper == keel_app::pdf::Paper::A4] { "A4" }
                        option value="letter" selected[req.paper == keel_app::pdf::Paper::Letter] { "US Letter" }
                    }
                    (field_error(errors, "paper"))
                }
            }
            button type="submit" { "Show the report" }
        }
        }
    }
}

pub fn html_report(r: &ReportData, form: Markup) -> Markup {
    let req = &r.request;
    let s = &r.summary;
    html! {
        h1 { "Keel report: " (keel_app::report::period_words(r.from, r.to)) }
        @if let Some(n) = &req.name { p class="who" { (n) @if let Some(b) = req.born { ", born " (b) } } }
        @else if let Some(b) = req.born { p class="who" { "Born " (b) } }
        p class="hint" { "Made on " (r.generated.format("%-d %B %Y")) " from her own daily records: " (r.check_ins) " check-ins over " (req.days()) " days. " (DISCLAIMER) }
        p class="no-print" { a class="button" href={"/report.pdf?" (req.query())} { "Download as PDF" } " or print this page from your browser's menu." }
        (form)
        section class="summary" aria-labelledby="sum-title" {
            h2 id="sum-title" { "Summary" }
            ul {
                li { (s.episode) }
                li { (s.pain) }
                @if s.red_flags.is_empty() { li { "Warning signs in this period: none." } }
                @else { li { "Warning signs in this period:" ul { @for f in &s.red_flags { li { (f) } } } } }
                @if req.has(Section::Bone) { li { (s.bone) } }
                @if req.has(Section::Questionnaires) {
                    li { @if s.questionnaires.is_empty() { "Questionnaires: none answered in this period." } @else { "Questionnaires: " (s.questionnaires.join("; ")) "." } }
                }
                li { (s.doing) }
                @if let Some(c) = r.cycle.as_ref().filter(|_| req.has(Section::Cycle)) { li { "Menopause stage: " (c.stage) "." } }
            }
            h3 { "Pain, sleep and hot flushes" }
            (chart(&r.series))
        }
        section class="page" aria-labelledby="weeks-title" {
            h2 id="weeks-title" { "Weekly means" }
            table {
                caption { "The 7 days ending on each date" }
                thead { tr { th scope="col" { "Week to" } th scope="col" { "Days" } th scope="col" { "Pain" } th scope="col" { "Sleep" } th scope="col" { "Energy" } th scope="col" { "Walk min" } } }
                tbody {
                    @for w in &r.weeks {
                        tr { td { (w.end.format("%-d %b %y")) } td { (w.check_ins) } td { (one_place(w.pain)) } td { (one_place(w.sleep)) } td { (one_place(w.energy)) } td { (one_place(w.walking_minutes)) } }
                    }
                }
            }
            h2 { "Warning signs in this period" }
            @if r.red_flags.is_empty() { p { "None." } } @else {
                table {
                    caption { "Each rule once, with the days it fired" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Level" } th scope="col" { "Rule" } th scope="col" { "Meaning" } } }
                    tbody { @for g in &r.red_flags { tr { td { (g.when()) } td { (g.level) } td { (g.rule) } td { (g.message) } } } }
                }
            }
            h2 { "Profile" }
            @if r.profile.is_empty() { p { "No profile recorded." } }
            dl class="facts" { @for (k, v) in &r.profile { dt { (k) } dd { (v) } } }
            @if req.has(Section::Bone) {
                h2 { "Bone health" }
                p { "Risk factors for osteoporosis: " @if r.risk_factors.is_empty() { "none recorded." } @else { (r.risk_factors.join("; ")) "." } }
                ul { @for l in bone_lines(r) { li { (l) } } }
                @if !r.dexa.is_empty() { h3 { "DEXA history" } ul { @for d in &r.dexa { li { (d) } } } }
            }
            @if req.has(Section::Desk) {
                h2 { "Desk set-up" }
                ul { @for l in &r.desk { li { (l) } } }
            }
            @if req.has(Section::Questionnaires) {
                h2 { "Questionnaires" }
                @if r.questionnaires.is_empty() { p { "None answered in this period." } } @else {
                    ul { @for (d, name, total, band) in &r.questionnaires { li { (d.format("%-d %B %Y")) ": " (name) " " (total) @if let Some(b) = band { " (" (b) ")" } } } }
                }
            }
            h2 { "What she did" }
            p { (adherence(r)) }
            @if req.has(Section::Notes) {
                h2 { "Her notes" }
                @if r.notes.is_empty() { p { "No notes." } } @else { ul { @for (d, n) in &r.notes { li { (d.format("%-d %B %Y")) ": " (n) } } } }
            }
        }
        @if let Some(c) = r.cycle.as_ref().filter(|_| req.has(Section::Cycle) || req.has(Section::Symptoms)) {
            section class="page" aria-labelledby="peri-report" {
                h2 id="peri-report" { "Perimenopause" }
                @if req.has(Section::Cycle) {
                    h3 { "Stage (STRAW+10): " (c.stage) }
                    p { (c.reason) }
                    @if !c.cycles.is_empty() { ul { @for l in &c.cycles { li { (l) } } } }
                    h3 { "Contraception, hormone therapy and operations" }
                    @if c.context.is_empty() { p { "None recorded." } } @else { ul { @for l in &c.context { li { (l) } } } }
                    h3 { "Bleeding findings" }
                    @if c.findings.is_empty() { p { "None." } } @else { ul { @for (rule, m) in &c.findings { li { (rule) ": " (m) } } } }
                }
                @if req.has(Section::Symptoms) {
                    h3 { "Symptoms in this period" }
                    @if c.symptoms.is_empty() { p { "None rated." } } @else {
                        table {
                            caption { "Mean rating, 0 none to 4 very severe" }
                            thead { tr { th scope="col" { "Symptom" } th scope="col" { "Mean" } th scope="col" { "Days rated" } } }
                            tbody { @for (l, m, n) in &c.symptoms { tr { td { (l) } td { (format!("{m:.1}")) } td { (n) } } } }
                        }
                    }
                    @if let Some((m, n)) = c.hot_flush_count { p { "Hot flushes counted: " (format!("{m:.1}")) " a day (" (n) " days)." } }
                    h3 { "Menopause Rating Scale by part" }
                    @if c.mrs.is_empty() { p { "Not answered in this period." } } @else {
                        ul { @for m in &c.mrs {
                            li { (m.date.format("%-d %B %Y")) ": " (m.parts.iter().map(|(l, v)| format!("{l} {v}")).collect::<Vec<_>>().join(", ")) "; total " (m.total) " of 44" @if let Some(b) = &m.band { " (" (b) ")" } }
                        } }
                    }
                }
            }
        }
        footer class="print-only" { p { "Keel report, " (keel_app::report::period_words(r.from, r.to)) " · made " (r.generated.format("%-d %B %Y")) ". " (DISCLAIMER) } }
    }
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    _headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let today = state.today();
    let pairs = Asked::pairs(raw.as_deref());
    let asked = Asked::from_pairs(&pairs);
    let (req, errors) = match keel_app::report::request::parse(&asked, today) {
        Ok(r) => (r, ValidationErrors::new()),
        Err(e) => (ReportRequest::last_days(90, today), e),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = choice_form(&req, &asked, &errors);
    if !errors.is_empty() {
        // The form again, the message beside each field and what she sent kept; the report
        // itself waits for a period that can be made.
        let body = html! {
            h1 { "Clinician report" }
            div class="error-summary" role="alert" tabindex="-1" {
                h3 { "Please check these answers" }
                ul { @for e in errors.errors() { li { (e.field) ": " (e.message) } } }
            }
            (form)
        };
        return (
            status,
            crate::pages::kit::layout_in("progress", "Report", body),
        )
            .into_response();
    }
    match gather(&state.store, auth.user, &req, today).await {
        Ok(r) => (
            status,
            crate::pages::kit::layout_in("progress", "Report", html_report(&r, form)),
        )
            .into_response(),
        Err(e) => crate::pages::kit::error_page(e),
    }
}

/// The PDF of a checked request, or the error it meets.
pub async fn pdf(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = Asked::pairs(raw.as_deref());
    match keel_app::report::request::parse(&Asked::from_pairs(&pairs), state.today()) {
        Ok(req) => match pdf_file(&state.store, auth.user, &req, state.today()).await {
            Ok(file) => crate::download::pdf(file),
            Err(e) => crate::pages::kit::error_page(e),
        },
        Err(errors) => crate::pages::kit::error_page(errors),
    }
}
