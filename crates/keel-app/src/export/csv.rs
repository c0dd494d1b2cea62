//! The export as CSV files, one per kind of record, zipped.

use std::io::Write;

use keel_core::bone::BoneProfile;
use keel_store::UserData;
use serde_json::Value;

fn csv_field(s: &str) -> String {
    let s = neutralised(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'`, which spreadsheets show as text; a number such as
/// a T-score of -1.7 stays as it is.
fn neutralised(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A settings object (profile, desk, breaks, preferences) as `field,value` rows: lists joined
/// with `;`, anything nested as its JSON text.
fn settings_rows(value: Option<&Value>) -> Vec<Vec<String>> {
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    };
    value
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| vec![k.clone(), cell(v)])
        .collect()
}

fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",") + "\r\n";
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One CSV file per kind of record, with a header row and ISO 8601 dates, zipped.
pub fn to_csv_zip(data: &UserData) -> Result<Vec<u8>, String> {
    let questions: Vec<&str> = keel_core::rules::Question::ALL
        .iter()
        .map(|q| q.name())
        .collect();
    // The same columns, in the same order, that a CSV import can map.
    let mut header = crate::import::csv::MAPPABLE.to_vec();
    header.extend(questions.iter());
    // Then section 8's symptoms (0-4, empty when not rated), the hot-flush count and the day's
    // bleeding; her own symptoms have a file of their own (a name per row).
    use keel_core::symptoms::Symptom;
    header.extend(Symptom::ALL.iter().map(|s| s.key()));
    header.extend(["hot_flush_count", "bleeding_flow", "bleeding_after_sex"]);
    let files = vec![
        (
            "check_ins.csv",
            csv(
                &header,
                data.check_ins.iter().map(|c| {
                    let mut row = vec![
                        c.date.to_string(),
                        c.pain.to_string(),
                        c.locations
                            .iter()
                            .map(|l| l.name())
                            .collect::<Vec<_>>()
                            .join(";"),
                        opt(c.onset.map(|o| o.name())),
                        opt(c.stiffness_minutes),
                        opt(c.sleep),
                        opt(c.energy),
                        opt(c.sitting_hours),
                        opt(c.walking_minutes),
                        c.notes.clone().unwrap_or_default(),
                    ];
                    row.extend(
                        keel_core::rules::Question::ALL
                            .iter()
                            .map(|q| opt(c.answers.get(*q))),
                    );
                    row.extend(Symptom::ALL.iter().map(|s| opt(c.symptoms.rating(*s))));
                    row.push(opt(c.symptoms.hot_flush_count));
                    row.push(opt(c.symptoms.bleeding.map(|b| b.flow.name())));
                    row.push(opt(c.symptoms.bleeding.map(|b| b.after_sex)));
                    row
                }),
            ),
        ),
        (
            "custom_symptoms.csv",
            csv(
                &["date", "symptom", "rating"],
                data.check_ins.iter().flat_map(|c| {
                    c.symptoms
                        .custom
                        .iter()
                        .map(|(n, r)| vec![c.date.to_string(), n.clone(), r.to_string()])
                        .collect::<Vec<_>>()
                }),
            ),
        ),
        (
            "bleeding.csv",
            csv(
                &["date", "flow", "after_sex"],
                data.bleeding.iter().map(|d| {
                    vec![
                        d.date.to_string(),
                        d.flow.name().to_string(),
                        d.after_sex.to_string(),
                    ]
                }),
            ),
        ),
        (
            "activities.csv",
            csv(
                &[
                    "date",
                    "exercise_id",
                    "level",
                    "sets",
                    "reps",
                    "hold_seconds",
                    "minutes",
                    "pain_during",
                    "effort",
                ],
                data.activities.iter().map(|a| {
                    vec![
                        a.date.to_string(),
                        a.exercise_id.clone(),
                        a.level.to_string(),
                        opt(a.sets),
                        opt(a.reps),
                        opt(a.hold_seconds),
                        opt(a.minutes),
                        a.pain_during.to_string(),
                        opt(a.effort),
                    ]
                }),
            ),
        ),
        (
            "heights.csv",
            csv(
                &["date", "cm"],
                data.heights
                    .iter()
                    .map(|h| vec![h.date.to_string(), h.cm.to_string()]),
            ),
        ),
        (
            "dexa.csv",
            csv(
                &["date", "site", "t_score"],
                data.dexa.iter().map(|d| {
                    vec![
                        d.date.to_string(),
                        d.site.name().into(),
                        d.t_score.to_string(),
                    ]
                }),
            ),
        ),
        (
            "breaks.csv",
            csv(
                &["taken_at", "minutes", "exercise_id"],
                data.breaks.iter().map(|b| {
                    vec![
                        keel_store::moment_text(b.taken_at),
                        b.minutes.to_string(),
                        opt(b.exercise_id.clone()),
                    ]
                }),
            ),
        ),
        (
            "posture.csv",
            csv(
                &["logged_at", "posture", "minutes"],
                data.posture.iter().map(|p| {
                    vec![
                        keel_store::moment_text(p.logged_at),
                        p.posture.clone(),
                        p.minutes.to_string(),
                    ]
                }),
            ),
        ),
        (
            "acknowledgements.csv",
            csv(
                &["rule", "acknowledged_on"],
                data.acknowledgements
                    .iter()
                    .map(|(rule, on)| vec![rule.clone(), on.to_string()]),
            ),
        ),
        (
            "profile.csv",
            csv(
                &["field", "value"],
                settings_rows(data.profile.as_ref().map(BoneProfile::to_json).as_ref()).into_iter(),
            ),
        ),
        (
            "desk.csv",
            csv(
                &["field", "value"],
                settings_rows(data.desk.as_ref()).into_iter(),
            ),
        ),
        (
            "break_settings.csv",
            csv(
                &["field", "value"],
                settings_rows(data.break_settings.as_ref()).into_iter(),
            ),
        ),
        (
            "preferences.csv",
            csv(
                &["field", "value"],
                settings_rows(Some(&data.preferences.to_json())).into_iter(),
            ),
        ),
        (
            "questionnaires.csv",
            csv(
                &["date", "instrument", "answers", "total"],
                data.responses.iter().map(|r| {
                    vec![
                        r.date.to_string(),
                        r.instrument.clone(),
                        r.answers
                            .iter()
                            .map(u8::to_string)
                            .collect::<Vec<_>>()
                            .join(";"),
                        r.total.to_string(),
                    ]
                }),
            ),
        ),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in files {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(body.as_bytes()).map_err(|e| e.to_string())?;
        }
        zip.finish().map_err(|e| e.to_string())?;
    }
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
