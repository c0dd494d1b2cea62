//! The clinician report: one period of her record on one page, as print-friendly HTML and as
//! a PDF with an embedded font (DejaVu Sans).

use std::collections::HashMap;
use std::io::Cursor;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use keel_core::ValidationErrors;
use keel_core::bone::BoneAssessment;
use keel_core::triage::TriageLevel;
use keel_store::{Store, StoreError, UserId};
use maud::{Markup, html};
use printpdf::{IndirectFontRef, Line, Mm, PdfDocument, PdfLayerReference, Point};

use crate::AppState;
use crate::progress_page::{self, PainDay};
use crate::views::{self, DISCLAIMER};

/// Everything the report shows, gathered once for both formats.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub profile: Vec<(String, String)>,
    pub risk_factors: Vec<String>,
    pub bone: Option<BoneAssessment>,
    pub dexa: Vec<String>,
    pub red_flags: Vec<(NaiveDate, String, String, String)>,
    pub pain_days: Vec<PainDay>,
    pub pain_mean: Option<f64>,
    pub check_ins: usize,
    pub questionnaires: Vec<(NaiveDate, String, f64, Option<String>)>,
    pub sessions: usize,
    pub active_days: usize,
    pub breaks: usize,
    pub notes: Vec<(NaiveDate, String)>,
}

/// Longest period one report covers.
pub const MAX_REPORT_DAYS: i64 = 366;

/// `from` and `to` for a report: both dates, `from` not after `to`, at most a year apart.
pub fn parse_period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut date = |name: &str, v: Option<&str>| {
        v.and_then(|s| {
            let d = keel_core::validate::parse_date(s);
            if d.is_none() {
                errors.add(name, "must be a date written YYYY-MM-DD, from 1900 on");
            }
            d
        })
    };
    let to_d = date("to", to).unwrap_or(today);
    let from_d = date("from", from).unwrap_or(to_d - Duration::days(89));
    if errors.is_empty() {
        if from_d > to_d {
            errors.add("from", "must not be after to");
        } else if (to_d - from_d).num_days() >= MAX_REPORT_DAYS {
            errors.add("from", "a report covers at most a year");
        }
    }
    errors.into_result(|| (from_d, to_d))
}

pub async fn gather(
    store: &Store,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReportData, StoreError> {
    let record = store.bone_record(user).await?;
    let p = &record.profile;
    let mut profile = Vec::new();
    if let Some(age) = p.age_on(to) {
        profile.push(("Age".into(), format!("{age}")));
    }
    if let Some(w) = p.weight_kg {
        profile.push(("Weight".into(), format!("{w:.1} kg")));
    }
    if let Some(h) = p.height_cm {
        profile.push(("Height".into(), format!("{h:.1} cm")));
    }
    if let (Some(w), Some(h)) = (p.weight_kg, p.height_cm) {
        profile.push(("BMI".into(), format!("{:.1}", w / (h / 100.0).powi(2))));
    }
    if let Some(t) = p.tallest_height_cm {
        profile.push((
            "Tallest adult height (recalled)".into(),
            format!("{t:.1} cm"),
        ));
    }
    let check_ins = store.check_ins(user, from, to).await?;
    let mut red_flags = Vec::new();
    let mut notes = Vec::new();
    for s in &check_ins {
        for f in s
            .triage
            .findings
            .iter()
            .filter(|f| f.level != TriageLevel::None)
        {
            red_flags.push((
                s.check_in.date,
                f.rule.clone(),
                f.level.name().to_string(),
                f.message.clone(),
            ));
        }
        if let Some(n) = &s.check_in.notes {
            notes.push((s.check_in.date, n.clone()));
        }
    }
    let pain_days: Vec<PainDay> = check_ins
        .iter()
        .map(|s| PainDay {
            date: s.check_in.date,
            pain: s.check_in.pain,
        })
        .collect();
    let pain_mean = (!pain_days.is_empty())
        .then(|| pain_days.iter().map(|d| f64::from(d.pain)).sum::<f64>() / pain_days.len() as f64);
    let instruments = keel_core::progress::instruments();
    let questionnaires = store
        .responses(user, None)
        .await?
        .into_iter()
        .filter(|r| r.date >= from && r.date <= to)
        .filter_map(|r| {
            let i = instruments.iter().find(|i| i.id == r.instrument)?;
            let s = i.score(&r.answers);
            Some((r.date, i.name.clone(), s.total, s.band))
        })
        .collect();
    let activities = store.activities(user, from, to).await?;
    let active: std::collections::BTreeSet<NaiveDate> = activities.iter().map(|a| a.date).collect();
    let breaks = store.breaks(user, from, to).await?.len();
    Ok(ReportData {
        from,
        to,
        profile,
        risk_factors: p
            .risk_factors
            .iter()
            .map(|r| r.label().to_string())
            .collect(),
        bone: views::bone_assessment(&record, to),
        dexa: record
            .dexa
            .iter()
            .map(|d| format!("{}: {} T-score {:.1}", d.date, d.site.label(), d.t_score))
            .collect(),
        red_flags,
        pain_days,
        pain_mean,
        check_ins: check_ins.len(),
        questionnaires,
        sessions: activities.len(),
        active_days: active.len(),
        breaks,
        notes,
    })
}

fn bone_lines(r: &ReportData) -> Vec<String> {
    let mut out = Vec::new();
    match &r.bone {
        None => out.push("No age recorded, so bone-health rules were not applied.".to_string()),
        Some(b) => {
            out.push(if b.dexa_due {
                "A DEXA scan is due.".to_string()
            } else {
                "No DEXA scan due.".to_string()
            });
            if let Some(c) = b.t_score_class {
                out.push(format!("Latest scan: {}.", c.label()));
            }
            if let Some(o) = b.ost {
                out.push(format!("OST score {o:.1} (validated after menopause)."));
            }
            for f in &b.findings {
                out.push(format!("{} ({})", f.message, f.rule));
            }
        }
    }
    out
}

fn adherence(r: &ReportData) -> String {
    format!(
        "{} check-ins over {} days; exercise logged on {} days ({} sessions); {} desk breaks.",
        r.check_ins,
        (r.to - r.from).num_days() + 1,
        r.active_days,
        r.sessions,
        r.breaks
    )
}

pub fn html_report(r: &ReportData) -> Markup {
    html! {
        h1 { "Keel report: " (r.from) " to " (r.to) }
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
                thead { tr { th scope="col" { "Date" } th scope="col" { "Level" } th scope="col" { "Rule" } th scope="col" { "Meaning" } } }
                tbody { @for (d, rule, level, msg) in &r.red_flags { tr { td { (d) } td { (level) } td { (rule) } td { (msg) } } } }
            }
        }
        h2 { "Pain" }
        p { "Mean pain " (r.pain_mean.map(|m| format!("{m:.1}")).unwrap_or_else(|| "-".into())) "/10 over " (r.check_ins) " check-ins." }
        (progress_page::pain_chart(&r.pain_days, r.to))
        h2 { "Questionnaires" }
        @if r.questionnaires.is_empty() { p { "None answered in this period." } } @else {
            ul { @for (d, name, total, band) in &r.questionnaires { li { (d) ": " (name) " " (total) @if let Some(b) = band { " (" (b) ")" } } } }
        }
        h2 { "Plan adherence" }
        p { (adherence(r)) }
        h2 { "Her notes" }
        @if r.notes.is_empty() { p { "No notes." } } @else { ul { @for (d, n) in &r.notes { li { (d) ": " (n) } } } }
    }
}

/// Writes text down A4 pages, starting a new page when one fills.
struct PdfWriter {
    doc: printpdf::PdfDocumentReference,
    layer: PdfLayerReference,
    font: IndirectFontRef,
    y: f32,
}

const TOP: f32 = 282.0;
const BOTTOM: f32 = 16.0;
const LEFT: f32 = 16.0;

impl PdfWriter {
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            let (page, layer) = self.doc.add_page(Mm(210.0), Mm(297.0), "report");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = TOP;
        }
    }

    fn text(&mut self, s: &str, size: f32) {
        // Wrap by characters: about 0.5 em per character for DejaVu Sans.
        let per_line = ((178.0 / (size * 0.3528 * 0.55)) as usize).max(20);
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in s.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        let step = size * 0.3528 * 1.35;
        for l in lines {
            self.ensure(step);
            self.y -= step;
            self.layer
                .use_text(l, size, Mm(LEFT), Mm(self.y), &self.font);
        }
    }

    /// Headings differ by size: one embedded face keeps the file small.
    fn heading(&mut self, s: &str) {
        self.y -= 3.0;
        self.text(s, 13.0);
    }

    fn chart(&mut self, days: &[PainDay], from: NaiveDate, to: NaiveDate) {
        let height = 45.0;
        self.ensure(height + 8.0);
        let (x0, y0, w) = (LEFT + 8.0, self.y - height - 2.0, 170.0);
        let span = ((to - from).num_days().max(1)) as f32;
        self.layer.set_outline_thickness(0.4);
        let axis = Line {
            points: vec![
                (Point::new(Mm(x0), Mm(y0 + height)), false),
                (Point::new(Mm(x0), Mm(y0)), false),
                (Point::new(Mm(x0 + w), Mm(y0)), false),
            ],
            is_closed: false,
        };
        self.layer.add_line(axis);
        for (v, label) in [(0.0, "0"), (5.0, "5"), (10.0, "10")] {
            self.layer.use_text(
                label,
                7.0,
                Mm(LEFT),
                Mm(y0 + v / 10.0 * height - 1.0),
                &self.font,
            );
        }
        let points: Vec<(Point, bool)> = days
            .iter()
            .map(|d| {
                let x = x0 + (d.date - from).num_days() as f32 / span * w;
                (
                    Point::new(Mm(x), Mm(y0 + f32::from(d.pain) / 10.0 * height)),
                    false,
                )
            })
            .collect();
        if points.len() > 1 {
            self.layer.set_outline_thickness(1.0);
            self.layer.add_line(Line {
                points,
                is_closed: false,
            });
        }
        self.layer
            .use_text(format!("{from}"), 7.0, Mm(x0), Mm(y0 - 4.0), &self.font);
        self.layer.use_text(
            format!("{to}"),
            7.0,
            Mm(x0 + w - 16.0),
            Mm(y0 - 4.0),
            &self.font,
        );
        self.y = y0 - 6.0;
    }
}

pub fn pdf_report(r: &ReportData) -> Result<Vec<u8>, String> {
    let (doc, page, layer) = PdfDocument::new(
        format!("Keel report {} to {}", r.from, r.to),
        Mm(210.0),
        Mm(297.0),
        "report",
    );
    let font = doc
        .add_external_font(Cursor::new(dejavu::sans::regular()))
        .map_err(|e| e.to_string())?;
    let layer = doc.get_page(page).get_layer(layer);
    let mut w = PdfWriter {
        doc,
        layer,
        font,
        y: TOP,
    };
    w.text(&format!("Keel report: {} to {}", r.from, r.to), 17.0);
    w.text(DISCLAIMER, 8.5);
    w.heading("Profile");
    if r.profile.is_empty() {
        w.text("No profile recorded.", 10.0);
    }
    let profile = r
        .profile
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("   ");
    w.text(&profile, 10.0);
    w.heading("Risk factors for osteoporosis");
    w.text(
        &if r.risk_factors.is_empty() {
            "None recorded.".to_string()
        } else {
            r.risk_factors.join("; ")
        },
        10.0,
    );
    w.heading("Bone health");
    for l in bone_lines(r) {
        w.text(&format!("- {l}"), 10.0);
    }
    for d in &r.dexa {
        w.text(&format!("- DEXA {d}"), 10.0);
    }
    w.heading("Red flags in this period");
    if r.red_flags.is_empty() {
        w.text("None.", 10.0);
    }
    for (d, rule, level, msg) in &r.red_flags {
        w.text(&format!("{d}  {level}  {rule}: {msg}"), 9.5);
    }
    w.heading("Pain");
    w.text(
        &format!(
            "Mean pain {}/10 over {} check-ins.",
            r.pain_mean
                .map(|m| format!("{m:.1}"))
                .unwrap_or_else(|| "-".into()),
            r.check_ins
        ),
        10.0,
    );
    w.chart(&r.pain_days, r.from, r.to);
    w.heading("Questionnaires");
    if r.questionnaires.is_empty() {
        w.text("None answered in this period.", 10.0);
    }
    for (d, name, total, band) in &r.questionnaires {
        w.text(
            &format!(
                "{d}: {name} {total}{}",
                band.as_ref().map(|b| format!(" ({b})")).unwrap_or_default()
            ),
            10.0,
        );
    }
    w.heading("Plan adherence");
    w.text(&adherence(r), 10.0);
    w.heading("Her notes");
    if r.notes.is_empty() {
        w.text("No notes.", 10.0);
    }
    for (d, n) in &r.notes {
        w.text(&format!("{d}: {n}"), 10.0);
    }
    w.doc.save_to_bytes().map_err(|e| e.to_string())
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
    .map_err(|e| crate::ApiError::Validation(e).into_response())?;
    gather(&state.store, user, from, to)
        .await
        .map_err(|e| crate::ApiError::Store(e).into_response())
}

pub async fn page(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match requested(&state, auth.user, &q).await {
        Ok(r) => (
            StatusCode::OK,
            crate::pages::layout_in("progress", "Report", html_report(&r)),
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
    match pdf_report(&data) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"keel-report-{}-{}.pdf\"",
                        data.from, data.to
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "report rendering failed");
            crate::ApiError::Store(StoreError::Other("report rendering failed".into()))
                .into_response()
        }
    }
}
