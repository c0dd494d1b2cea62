//! The report as a PDF: the first page's summary, then the details, with a footer on every
//! page (page numbers, the day it was made, the disclaimer). DejaVu Sans, subset to the
//! characters used (see `crate::pdf`).

use chrono::NaiveDate;

use super::{ChartDay, ReportData, Section, adherence, bone_lines, period_words};
use crate::pdf::{PdfDocument, Weight};
use crate::views::DISCLAIMER;

/// Writes text down the pages, wrapped to the page's width as the font measures it, starting
/// a new page when one fills; a block (a table row, a finding) is never split across pages.
struct PdfWriter {
    doc: PdfDocument,
    y: f32,
    top: f32,
}

/// Room kept at the foot of every page for the footer.
const BOTTOM: f32 = 24.0;
const LEFT: f32 = 16.0;
const MARGIN_TOP: f32 = 15.0;

/// A line's height at a font size, in millimetres.
fn step(size: f32) -> f32 {
    size * 0.3528 * 1.35
}

impl PdfWriter {
    fn width(&self) -> f32 {
        self.doc.size_mm().0 - 2.0 * LEFT
    }

    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.doc.new_page();
            self.y = self.top;
        }
    }

    /// Writes `s` wrapped, all its lines on one page.
    fn block(&mut self, s: &str, size: f32, weight: Weight, indent: f32) {
        let lines = self.doc.wrap(s, size, self.width() - indent, weight);
        self.ensure(step(size) * lines.len() as f32);
        for line in lines {
            self.y -= step(size);
            match weight {
                Weight::Regular => self.doc.text(LEFT + indent, self.y, size, &line),
                Weight::Bold => self.doc.bold_text(LEFT + indent, self.y, size, &line),
            }
        }
    }

    fn text(&mut self, s: &str, size: f32) {
        self.block(s, size, Weight::Regular, 0.0);
    }

    fn item(&mut self, s: &str) {
        self.ensure(step(10.0));
        self.doc.text(LEFT, self.y - step(10.0), 10.0, "•");
        self.block(s, 10.0, Weight::Regular, 4.0);
    }

    fn heading(&mut self, s: &str) {
        // A heading keeps at least two lines of what follows with it.
        self.ensure(step(13.0) + 2.0 * step(10.0) + 3.0);
        self.y -= 3.0;
        self.block(s, 13.0, Weight::Bold, 0.0);
    }

    /// A row of cells at fixed x offsets (millimetres from the left margin), kept on one page.
    fn row(&mut self, cells: &[(f32, String)], weight: Weight) {
        let size = 9.5;
        self.ensure(step(size));
        self.y -= step(size);
        for (x, text) in cells {
            match weight {
                Weight::Regular => self.doc.text(LEFT + x, self.y, size, text),
                Weight::Bold => self.doc.bold_text(LEFT + x, self.y, size, text),
            }
        }
    }

    /// Pain (solid) and sleep (dashed) on one 0-10 axis over the recorded days, hot flushes
    /// (0-4) as gray bars below, a triangle over each day with a warning sign; labelled in
    /// words, readable in black and white.
    fn chart(&mut self, days: &[ChartDay]) {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            self.text("No check-ins to chart.", 10.0);
            return;
        };
        let flushes = days.iter().any(|d| d.hot_flushes.is_some());
        let height = 48.0;
        let band = if flushes { 10.0 } else { 0.0 };
        self.ensure(height + band + 22.0);
        let w = self.width() - 10.0;
        let x0 = LEFT + 8.0;
        let y0 = self.y - height - 6.0;
        let span = (last.date - first.date).num_days().max(1) as f32;
        let x = |d: NaiveDate| x0 + (d - first.date).num_days() as f32 / span * w;
        let y = |v: f32| y0 + v / 10.0 * height;
        self.doc.text(
            LEFT,
            self.y - 3.0,
            8.0,
            "Pain (solid) and sleep (dashed), 0 to 10",
        );
        for v in [0.0, 5.0, 10.0] {
            self.doc.text(LEFT, y(v) - 1.0, 7.0, &format!("{v:.0}"));
            self.doc
                .dashed_line(&[(x0, y(v)), (x0 + w, y(v))], 0.1, 0.6, 0.75);
        }
        self.doc.line(&[(x0, y(10.0)), (x0, y0), (x0 + w, y0)], 0.3);
        // Lines break where a day was not recorded.
        let runs = |value: &dyn Fn(&ChartDay) -> Option<f64>| -> Vec<Vec<(f32, f32)>> {
            crate::progress::runs(days.iter().map(|d| (d.date, value(d))))
                .into_iter()
                .map(|r| r.into_iter().map(|(d, v)| (x(d), y(v as f32))).collect())
                .collect()
        };
        for r in runs(&|d| Some(f64::from(d.pain))) {
            if r.len() == 1 {
                self.doc
                    .fill_rect(r[0].0 - 0.6, r[0].1 - 0.6, 1.2, 1.2, 0.0);
            }
            self.doc.line(&r, 0.7);
        }
        for r in runs(&|d| d.sleep.map(f64::from)) {
            self.doc.dashed_line(&r, 0.4, 1.2, 0.35);
        }
        for d in days.iter().filter(|d| d.flag) {
            let (cx, top) = (x(d.date), y(10.0) + 1.0);
            self.doc.line(
                &[
                    (cx - 1.0, top + 1.8),
                    (cx + 1.0, top + 1.8),
                    (cx, top),
                    (cx - 1.0, top + 1.8),
                ],
                0.3,
            );
        }
        let mut below = y0 - 4.0;
        let day = |d: NaiveDate| d.format("%-d %b %Y").to_string();
        self.doc.text(x0, below, 7.0, &day(first.date));
        let end = day(last.date);
        let end_width = self.doc.text_width(&end, 7.0);
        self.doc.text(x0 + w - end_width, below, 7.0, &end);
        if flushes {
            below -= 3.0;
            let base = below - band + 2.0;
            self.doc
                .text(LEFT, base + band - 1.0, 7.0, "Hot flushes, 0 to 4 (bars)");
            for d in days {
                if let Some(r) = d.hot_flushes.filter(|r| *r > 0) {
                    self.doc.fill_rect(
                        x(d.date) - 0.4,
                        base,
                        0.8,
                        f32::from(r) / 4.0 * (band - 4.0),
                        0.5,
                    );
                }
            }
            below = base;
        }
        self.y = below - 2.0;
        self.text("A triangle marks a day with a warning sign.", 7.5);
    }
}

/// The report as a PDF on the paper she chose.
pub fn pdf_report(r: &ReportData) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new(&format!("Keel report {} to {}", r.from, r.to));
    doc.set_paper(r.request.paper);
    let top = doc.size_mm().1 - MARGIN_TOP;
    let mut w = PdfWriter { doc, y: top, top };
    let period = period_words(r.from, r.to);

    // Page one: who, when, and the story.
    w.block(&format!("Keel report: {period}"), 17.0, Weight::Bold, 0.0);
    let who = match (&r.request.name, r.request.born) {
        (Some(n), Some(b)) => Some(format!("{n}, born {b}")),
        (Some(n), None) => Some(n.clone()),
        (None, Some(b)) => Some(format!("Born {b}")),
        (None, None) => None,
    };
    if let Some(who) = who {
        w.block(&who, 12.0, Weight::Regular, 0.0);
    }
    w.text(
        &format!(
            "Made on {} from her own daily records: {} check-ins over {} days.",
            r.generated.format("%-d %B %Y"),
            r.check_ins,
            r.request.days()
        ),
        9.5,
    );
    w.heading("Summary");
    let s = &r.summary;
    w.item(&s.episode);
    w.item(&s.pain);
    if s.red_flags.is_empty() {
        w.item("Warning signs in this period: none.");
    } else {
        w.item("Warning signs in this period:");
        for f in &s.red_flags {
            w.block(f, 9.5, Weight::Regular, 8.0);
        }
    }
    if r.request.has(Section::Bone) {
        w.item(&s.bone);
    }
    if r.request.has(Section::Questionnaires) {
        if s.questionnaires.is_empty() {
            w.item("Questionnaires: none answered in this period.");
        } else {
            w.item(&format!("Questionnaires: {}.", s.questionnaires.join("; ")));
        }
    }
    w.item(&s.doing);
    if let Some(c) = r.cycle.as_ref().filter(|_| r.request.has(Section::Cycle)) {
        w.item(&format!(
            "Menopause stage: {} (details on the perimenopause page).",
            c.stage
        ));
    }
    w.heading("Pain, sleep and hot flushes");
    w.chart(&r.series);

    // The details.
    w.doc.new_page();
    w.y = top;
    w.heading("Weekly means (7 days ending on the date)");
    let cols = [0.0, 34.0, 58.0, 78.0, 98.0, 120.0];
    w.row(
        &[
            "Week to",
            "Check-ins",
            "Pain",
            "Sleep",
            "Energy",
            "Walking min",
        ]
        .iter()
        .zip(cols)
        .map(|(t, x)| (x, t.to_string()))
        .collect::<Vec<_>>(),
        Weight::Bold,
    );
    let fmt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    for wk in &r.weeks {
        let cells = [
            wk.end.format("%-d %b %Y").to_string(),
            wk.check_ins.to_string(),
            fmt(wk.pain),
            fmt(wk.sleep),
            fmt(wk.energy),
            fmt(wk.walking_minutes),
        ];
        w.row(
            &cols.iter().copied().zip(cells).collect::<Vec<_>>(),
            Weight::Regular,
        );
    }
    w.heading("Warning signs in this period");
    if r.red_flags.is_empty() {
        w.text("None.", 10.0);
    }
    for g in &r.red_flags {
        w.block(
            &format!("{} ({}), {}", g.rule, g.level, g.when()),
            9.5,
            Weight::Bold,
            0.0,
        );
        w.block(&g.message, 9.5, Weight::Regular, 4.0);
    }
    w.heading("Profile");
    if r.profile.is_empty() {
        w.text("No profile recorded.", 10.0);
    } else {
        w.text(
            &r.profile
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("   "),
            10.0,
        );
    }
    if r.request.has(Section::Bone) {
        w.heading("Bone health");
        w.text(
            &format!(
                "Risk factors for osteoporosis: {}.",
                if r.risk_factors.is_empty() {
                    "none recorded".to_string()
                } else {
                    r.risk_factors.join("; ")
                }
            ),
            10.0,
        );
        for l in bone_lines(r) {
            w.item(&l);
        }
        for d in &r.dexa {
            w.item(&format!("DEXA {d}"));
        }
    }
    if r.request.has(Section::Desk) {
        w.heading("Desk set-up");
        for l in &r.desk {
            w.item(l);
        }
    }
    if r.request.has(Section::Questionnaires) {
        w.heading("Questionnaires");
        if r.questionnaires.is_empty() {
            w.text("None answered in this period.", 10.0);
        }
        for (d, name, total, band) in &r.questionnaires {
            w.item(&format!(
                "{}: {name} {total}{}",
                d.format("%-d %B %Y"),
                band.as_ref().map(|b| format!(" ({b})")).unwrap_or_default()
            ));
        }
    }
    w.heading("What she did");
    w.text(&adherence(r), 10.0);
    if r.request.has(Section::Notes) {
        w.heading("Her notes");
        if r.notes.is_empty() {
            w.text("No notes.", 10.0);
        }
        for (d, n) in &r.notes {
            w.item(&format!("{}: {n}", d.format("%-d %B %Y")));
        }
    }
    if let Some(c) = &r.cycle {
        perimenopause_page(&mut w, c, &r.request);
    }

    // A footer on every page, now that their number is known.
    let pages = w.doc.page_count();
    let made = r.generated.format("%-d %B %Y").to_string();
    let width = w.width();
    for i in 0..pages {
        w.doc.select_page(i);
        let foot = format!(
            "Keel report, {period} · made {made} · page {} of {pages}",
            i + 1
        );
        w.doc.line(&[(LEFT, 18.0), (LEFT + width, 18.0)], 0.2);
        w.doc.text(LEFT, 14.0, 8.0, &foot);
        for (k, line) in w
            .doc
            .wrap(DISCLAIMER, 7.0, width, Weight::Regular)
            .iter()
            .take(2)
            .enumerate()
        {
            w.doc.text(LEFT, 10.5 - k as f32 * 3.2, 7.0, line);
        }
    }
    Ok(w.doc.finish())
}

fn perimenopause_page(
    w: &mut PdfWriter,
    c: &super::cycle::CycleReport,
    request: &super::ReportRequest,
) {
    let cycle = request.has(Section::Cycle);
    let symptoms = request.has(Section::Symptoms);
    if !cycle && !symptoms {
        return;
    }
    w.doc.new_page();
    w.y = w.top;
    w.block("Perimenopause", 15.0, Weight::Bold, 0.0);
    if cycle {
        w.heading("Stage (STRAW+10)");
        w.text(&c.stage, 10.5);
        w.text(&c.reason, 10.0);
        for l in &c.cycles {
            w.item(l);
        }
        w.heading("Contraception, hormone therapy and operations");
        if c.context.is_empty() {
            w.text("None recorded.", 10.0);
        }
        for l in &c.context {
            w.item(l);
        }
        w.heading("Bleeding findings");
        if c.findings.is_empty() {
            w.text("None.", 10.0);
        }
        for (rule, message) in &c.findings {
            w.item(&format!("{rule}: {message}"));
        }
    }
    if symptoms {
        w.heading("Symptoms in this period (mean, 0 none to 4 very severe)");
        if c.symptoms.is_empty() {
            w.text("None rated.", 10.0);
        }
        for (label, mean, n) in &c.symptoms {
            w.item(&format!("{label}: {mean:.1} ({n} days rated)"));
        }
        if let Some((m, n)) = c.hot_flush_count {
            w.item(&format!("Hot flushes counted: {m:.1} a day ({n} days)"));
        }
        w.heading("Menopause Rating Scale by part");
        if c.mrs.is_empty() {
            w.text("Not answered in this period.", 10.0);
        }
        for m in &c.mrs {
            let parts = m
                .parts
                .iter()
                .map(|(l, v)| format!("{l} {v}"))
                .collect::<Vec<_>>()
                .join(", ");
            w.item(&format!(
                "{}: {parts}; total {} of 44{}",
                m.date.format("%-d %B %Y"),
                m.total,
                m.band
                    .as_ref()
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default()
            ));
        }
    }
}
