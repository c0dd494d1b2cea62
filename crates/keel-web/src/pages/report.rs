//! The clinician report: one period of her record on one page, as print-friendly HTML and as
//! a PDF with an embedded font (DejaVu Sans).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_store::StoreError;
use maud::{Markup, html};

use crate::pages::progress::pain_chart;
use crate::state::AppState;
use keel_app::views::DISCLAIMER;

use keel_app::report::{ReportData, adherence, bone_lines, gather, parse_period, pdf_report};

pub fn html_report(r: &ReportData) -> Markup {
    html! {
        h1 { "Keel report: " (keel_app::report::period_words(r.from, r.to)) }
        p class="hint" { (DISCLAIMER) " Made by Keel from her own records; rule ids refer to Keel's published rules." }
        p class="no-print" { a href={"/report.pdf?from=" (r.from) "&to=" (r.to)} { "Download as PDF" } " · Print this page from your browser's menu." }
        form method="get" action="/report" class="row no-print" {
            div class="mini" { label for="from" { "From" } input type="date" id="from" name="from" value=(r.from.to_string()); }
            div class="mini" { label for="to" { "To" } input type="date" id="to" name="to" value=(r.to.to_string()); }
            button type="submit" { "Show" }
        }
        h2 { "Profile" }
        @if r.profile.is_empty() { p { "No profile recorded." } }
        dl class="facts" { @for (k, v) in &r.profile { dt { (k) } dd { (v) } } }
        h2 { "Risk factors for osteoporosis" }
        @if r.risk_factors.is_empty() { p { "None recorded." } } @else { ul { @for f in &r.risk_factors { li { (f) } } } }
        h2 { "Bone health" }
        ul { @for l in bone_lines(r) { li { (l) } } }
        @if !r.dexa.is_empty() { h3 { "DEXA history" } ul { @for d in &r.dexa { li { (d) } } } }
        h2 { "Red flags in this period" }
        @if r.red_flags.is_empty() { p { "None." } } @else {
            table {
                caption { "Warning signs recorded" }
                thead { tr { th scope="col" { "When" } th scope="col" { "Level" } th scope="col" { "Rule" } th scope="col" { "Meaning" } } }
                tbody { @for g in &r.red_flags { tr { td { (g.when()) } td { (g.level) } td { (g.rule) } td { (g.message) } } } }
            }
        }
        h2 { "Pain" }
        p { "Mean pain " (r.pain_mean.map(|m| format!("{m:.1}")).unwrap_or_else(|| "-".into())) "/10 over " (r.check_ins) " check-ins." }
        (pain_chart(&r.pain_days, r.to))
        h2 { "Questionnaires" }
        @if r.questionnaires.is_empty() { p { "None answered in this period." } } @else {
            ul { @for (d, name, total, band) in &r.questionnaires { li { (d) ": " (name) " " (total) @if let Some(b) = band { " (" (b) ")" } } } }
        }
        h2 { "Plan adherence" }
        p { (adherence(r)) }
        h2 { "Her notes" }
        @if r.notes.is_empty() { p { "No notes." } } @else { ul { @for (d, n) in &r.notes { li { (d) ": " (n) } } } }
        @if let Some(c) = &r.cycle {
            section class="page" aria-labelledby="peri-report" {
                h2 id="peri-report" { "Perimenopause" }
                h3 { "Stage (STRAW+10): " (c.stage) }
                p { (c.reason) }
                @if !c.cycles.is_empty() { ul { @for l in &c.cycles { li { (l) } } } }
                h3 { "Contraception, hormone therapy and operations" }
                @if c.context.is_empty() { p { "None recorded." } } @else { ul { @for l in &c.context { li { (l) } } } }
                h3 { "Bleeding findings" }
                @if c.findings.is_empty() { p { "None." } } @else { ul { @for (rule, m) in &c.findings { li { (rule) ": " (m) } } } }
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
}

/// The report for the period the query asks for (default: the last 12 weeks), or the
/// response that refuses it.
async fn requested(
    state: &AppState,
    user: keel_store::UserId,
    q: &HashMap<String, String>,
) -> Result<ReportData, Response> {
    let (from, to) = parse_period(
        q.get("from").map(String::as_str),
        q.get("to").map(String::as_str),
        state.today(),
    )
    .map_err(crate::pages::kit::error_page)?;
    gather(&state.store, user, from, to)
        .await
        .map_err(crate::pages::kit::error_page)
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match requested(&state, auth.user, &q).await {
        Ok(r) => (
            StatusCode::OK,
            crate::pages::kit::layout_in("progress", "Report", html_report(&r)),
        )
            .into_response(),
        Err(refused) => refused,
    }
}

pub async fn pdf(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let data = match requested(&state, auth.user, &q).await {
        Ok(r) => r,
        Err(refused) => return refused,
    };
    let (from, to) = (data.from, data.to);
    match keel_app::apart(move || pdf_report(&data)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"keel-report-{}-{}.pdf\"", from, to),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "report rendering failed");
            crate::pages::kit::error_page(StoreError::Other("report rendering failed".into()))
        }
    }
}
