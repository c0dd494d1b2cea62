use super::*;

fn mapping(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

#[test]
fn rows_are_checked_and_rejections_explained() {
    let text = "Day,Pain level,Slept,Where\n03/11/2026,4,6,lower_back;buttock\n04/11/2026,eleven,6,\n05/11/2026,12,6,\n2026-11-06,3,,\n07/11/2026,2,7,knee\n";
    let r = check(
        text,
        &mapping(&[
            ("date", "Day"),
            ("pain", "Pain level"),
            ("sleep", "Slept"),
            ("locations", "Where"),
        ]),
        "%d/%m/%Y",
        today(),
    )
    .unwrap();
    assert_eq!(r.rows, 5);
    assert_eq!(r.valid, 1);
    let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    assert_eq!(r.rejected[0].errors[0].field, "pain");
    assert_eq!(r.rejected[2].errors[0].field, "date");
    assert_eq!(r.rejected[3].errors[0].field, "locations[0]");
    assert_eq!(r.check_ins[0].locations.len(), 2);
}

#[test]
fn mapping_must_name_keel_fields_and_real_columns() {
    let e = check(
        "A,B\n1,2\n",
        &mapping(&[("date", "A"), ("pian", "B")]),
        "%Y-%m-%d",
        today(),
    )
    .unwrap_err();
    assert!(e.message_for("mapping.pian").is_some());
    assert!(e.message_for("mapping.pain").is_some());
    let e = check(
        "A,B\n1,2\n",
        &mapping(&[("date", "A"), ("pain", "C")]),
        "%Y-%m-%d",
        today(),
    )
    .unwrap_err();
    assert!(e.message_for("mapping.pain").unwrap().contains("\"C\""));
}

proptest::proptest! {
    #[test]
    fn any_body_under_a_right_header_is_read_to_the_end_and_every_row_counted(body in "(?s).{0,600}") {
        let text = format!("date,pain,notes\n{body}");
        let r = check(&text, &mapping(&[("date", "date"), ("pain", "pain"), ("notes", "notes")]), "%Y-%m-%d", today());
        let r = r.map_err(|e| proptest::test_runner::TestCaseError::fail(e.summary()))?;
        proptest::prop_assert_eq!(r.valid + r.rejected_count, r.rows);
        proptest::prop_assert_eq!(r.check_ins.len(), r.valid);
    }
}

// Files as another tracker writes them: the right header (in any column order, with a
// column Keel does not map), valid rows, and rows with one or two fields broken or a date
// already taken. The report must count each kind and name each refusal's line and field.

use std::collections::BTreeSet;

use chrono::Days;
use keel_core::{Location, Onset};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

/// Each Keel field's column, named as another tracker might name it.
const COLUMNS: &[(&str, &str)] = &[
    ("date", "Day"),
    ("pain", "Pain (0-10)"),
    ("locations", "Where it hurts"),
    ("onset", "Onset"),
    ("stiffness_minutes", "Morning stiffness"),
    ("sleep", "Sleep"),
    ("energy", "Energy"),
    ("sitting_hours", "Hours sitting"),
    ("walking_minutes", "Walked (min)"),
    ("notes", "Notes"),
];
/// A column in the file that no field is mapped to.
const UNMAPPED: (&str, &str) = ("", "Mood");
const FORMATS: &[&str] = &["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"];

/// What a valid row holds, as its cells say it.
#[derive(Debug, Clone)]
struct Entry {
    pain: u8,
    padded: bool,
    locations: Vec<&'static str>,
    separator: &'static str,
    onset: Option<&'static str>,
    stiffness_minutes: Option<u16>,
    sleep: Option<u8>,
    energy: Option<u8>,
    sitting_tenths: Option<u16>,
    walking_minutes: Option<u16>,
    notes: Option<String>,
}

/// A check-in, as compared: what a row should become.
#[derive(Debug, Clone, PartialEq)]
struct Day {
    date: NaiveDate,
    pain: u8,
    locations: Vec<&'static str>,
    onset: Option<&'static str>,
    stiffness_minutes: Option<u16>,
    sleep: Option<u8>,
    energy: Option<u8>,
    sitting_hours: Option<f64>,
    walking_minutes: Option<u16>,
    notes: Option<String>,
}

impl Day {
    fn of(c: &CheckIn) -> Day {
        Day {
            date: c.date,
            pain: c.pain,
            locations: c.locations.iter().map(|l| l.name()).collect(),
            onset: c.onset.map(Onset::name),
            stiffness_minutes: c.stiffness_minutes,
            sleep: c.sleep,
            energy: c.energy,
            sitting_hours: c.sitting_hours,
            walking_minutes: c.walking_minutes,
            notes: c.notes.clone(),
        }
    }
}

fn tenths(t: u16) -> String {
    if t.is_multiple_of(10) {
        (t / 10).to_string()
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

impl Entry {
    fn cells(&self) -> BTreeMap<&'static str, String> {
        let text = |v: Option<String>| v.unwrap_or_default();
        BTreeMap::from([
            (
                "pain",
                if self.padded {
                    format!(" {} ", self.pain)
                } else {
                    self.pain.to_string()
                },
            ),
            ("locations", self.locations.join(self.separator)),
            ("onset", self.onset.unwrap_or_default().to_string()),
            (
                "stiffness_minutes",
                text(self.stiffness_minutes.map(|v| v.to_string())),
            ),
            ("sleep", text(self.sleep.map(|v| v.to_string()))),
            ("energy", text(self.energy.map(|v| v.to_string()))),
            ("sitting_hours", text(self.sitting_tenths.map(tenths))),
            (
                "walking_minutes",
                text(self.walking_minutes.map(|v| v.to_string())),
            ),
            ("notes", self.notes.clone().unwrap_or_default()),
        ])
    }

    fn day(&self, date: NaiveDate) -> Day {
        Day {
            date,
            pain: self.pain,
            locations: self.locations.clone(),
            onset: self.onset.map(|o| {
                if o.eq_ignore_ascii_case("sudden") {
                    "sudden"
                } else {
                    "gradual"
                }
            }),
            stiffness_minutes: self.stiffness_minutes,
            sleep: self.sleep,
            energy: self.energy,
            sitting_hours: self.sitting_tenths.map(|t| f64::from(t) / 10.0),
            walking_minutes: self.walking_minutes,
            notes: self
                .notes
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from),
        }
    }
}

fn entry() -> impl Strategy<Value = Entry> {
    let names: Vec<&'static str> = Location::ALL.iter().map(|(n, _)| *n).collect();
    (
        0u8..=10,
        any::<bool>(),
        subsequence(names, 0..=3),
        select(vec![";", "|", "; "]),
        proptest::option::of(select(vec!["sudden", "gradual", "Sudden", "GRADUAL"])),
        proptest::option::of(0u16..=600),
        proptest::option::of(0u8..=10),
        proptest::option::of(0u8..=10),
        proptest::option::of(0u16..=240),
        proptest::option::of(0u16..=1440),
        proptest::option::of("[a-zA-Z0-9 ,.\"']{0,30}"),
    )
        .prop_map(
            |(
                pain,
                padded,
                locations,
                separator,
                onset,
                stiffness_minutes,
                sleep,
                energy,
                sitting_tenths,
                walking_minutes,
                notes,
            )| Entry {
                pain,
                padded,
                locations,
                separator,
                onset,
                stiffness_minutes,
                sleep,
                energy,
                sitting_tenths,
                walking_minutes,
                notes,
            },
        )
}

/// One field broken: the field, the cell put in its column, and the error field that
/// must name it.
type Break = (&'static str, String, String);

fn breakage(format: &'static str) -> impl Strategy<Value = Break> {
    let at = |field: &'static str, cells: Vec<String>| {
        select(cells)
            .prop_map(move |c| (field, c, field.to_string()))
            .boxed()
    };
    let texts = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let shown = move |d: NaiveDate| d.format(format).to_string();
    let impossible = format
        .replace("%Y", "2025")
        .replace("%m", "02")
        .replace("%d", "30");
    proptest::strategy::Union::new(vec![
        at(
            "pain",
            texts(&["eleven", "11", "-1", "3.5", "", "NaN", "4 5"]),
        ),
        (1u64..400)
            .prop_map(move |n| ("date", shown(today() + Days::new(n)), "date".to_string()))
            .boxed(),
        at(
            "date",
            vec![
                impossible,
                "2026.11.03".into(),
                "yesterday".into(),
                String::new(),
                shown(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()),
            ],
        ),
        at(
            "sitting_hours",
            texts(&["NaN", "inf", "-inf", "24.5", "-1", "lots", "1e309"]),
        ),
        at("sleep", texts(&["11", "-1", "7.5", "well"])),
        at("energy", texts(&["11", "-2", "low"])),
        at("stiffness_minutes", texts(&["601", "-5", "half an hour"])),
        at("walking_minutes", texts(&["1441", "10.5", "a bit"])),
        at("onset", texts(&["slow", "suddenly"])),
        select(vec![
            ("knee", "locations[0]"),
            ("neck;knee", "locations[1]"),
            ("Neck", "locations[0]"),
            ("lower_back|buttock|calf", "locations[2]"),
        ])
        .prop_map(|(c, n)| ("locations", c.to_string(), n.to_string()))
        .boxed(),
        at(
            "notes",
            vec![
                "a bell \u{7}".into(),
                "nul \u{0} here".into(),
                "x".repeat(2001),
            ],
        ),
    ])
}

#[derive(Debug, Clone)]
enum Plan {
    Valid,
    /// One or two fields broken.
    Broken(Vec<Break>),
    /// Otherwise valid, on the date of an earlier valid row (valid itself if none is).
    Duplicate(Index),
}

fn plan(format: &'static str) -> BoxedStrategy<Plan> {
    prop_oneof![
        3 => Just(Plan::Valid),
        2 => proptest::collection::vec(breakage(format), 1..=2).prop_map(Plan::Broken),
        1 => any::<Index>().prop_map(Plan::Duplicate),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct File {
    format: &'static str,
    /// The columns in file order: (Keel field, or "" for the unmapped one; header).
    columns: Vec<(&'static str, &'static str)>,
    rows: Vec<(Entry, Plan, String)>,
    /// Distinct days before today, one per row.
    offsets: Vec<u64>,
}

/// Files of under 60 rows, so that every refused row is listed.
fn file(valid_only: bool) -> impl Strategy<Value = File> {
    let mut columns = COLUMNS.to_vec();
    columns.push(UNMAPPED);
    select(FORMATS).prop_flat_map(move |format| {
        let plan = if valid_only {
            Just(Plan::Valid).boxed()
        } else {
            plan(format)
        };
        (
            Just(columns.clone()).prop_shuffle(),
            proptest::collection::vec((entry(), plan, "[a-z ,]{0,8}"), 1..60),
            subsequence((0..3000u64).collect::<Vec<_>>(), 60).prop_shuffle(),
        )
            .prop_map(move |(columns, rows, offsets)| File {
                format,
                columns,
                rows,
                offsets,
            })
    })
}

fn csv_line(cells: impl Iterator<Item = String>) -> String {
    let quoted: Vec<String> = cells
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

/// What the report on a file must say.
struct Expected {
    text: String,
    valid: Vec<Day>,
    /// Each refused row: its line (the header is line 1) and the fields its errors name.
    rejected: Vec<(usize, BTreeSet<String>)>,
}

fn expected(f: &File) -> Expected {
    let mut text = csv_line(f.columns.iter().map(|(_, h)| h.to_string()));
    let (mut valid, mut rejected) = (Vec::<Day>::new(), Vec::new());
    for (i, (entry, plan, mood)) in f.rows.iter().enumerate() {
        let line = i + 2;
        let mut cells = entry.cells();
        let taken = match plan {
            Plan::Duplicate(pick) if !valid.is_empty() => Some(pick.get(&valid).date),
            _ => None,
        };
        let date = taken.unwrap_or(today() - Days::new(f.offsets[i]));
        cells.insert("date", date.format(f.format).to_string());
        cells.insert(UNMAPPED.0, mood.clone());
        let mut named = BTreeMap::new();
        if let Plan::Broken(breaks) = plan {
            for (field, cell, name) in breaks {
                cells.insert(field, cell.clone());
                named.insert(*field, name.clone());
            }
        }
        match plan {
            Plan::Broken(_) => rejected.push((line, named.into_values().collect())),
            Plan::Duplicate(_) if taken.is_some() => {
                rejected.push((line, BTreeSet::from(["date".to_string()])))
            }
            _ => valid.push(entry.day(date)),
        }
        text.push_str(&csv_line(
            f.columns.iter().map(|(field, _)| cells[field].clone()),
        ));
    }
    Expected {
        text,
        valid,
        rejected,
    }
}

fn report_on(f: &File) -> (Expected, CsvReport) {
    let e = expected(f);
    let r = check(&e.text, &mapping(COLUMNS), f.format, today())
        .unwrap_or_else(|err| panic!("{}\n{}", err.summary(), e.text));
    (e, r)
}

#[test]
fn the_test_columns_are_every_mappable_field() {
    let mut fields: Vec<&str> = COLUMNS.iter().map(|(f, _)| *f).collect();
    let mut all = MAPPABLE.to_vec();
    fields.sort();
    all.sort();
    assert_eq!(fields, all);
}

proptest! {
    #[test]
    fn each_row_is_counted_and_each_refusal_names_its_line_and_field(f in file(false)) {
        let (e, r) = report_on(&f);
        prop_assert_eq!(r.rows, f.rows.len(), "{}", e.text);
        prop_assert_eq!(r.valid, e.valid.len(), "{}", e.text);
        prop_assert_eq!(r.rejected_count, e.rejected.len(), "{}", e.text);
        let listed: Vec<(usize, BTreeSet<String>)> = r
            .rejected
            .iter()
            .map(|x| (x.line, x.errors.iter().map(|e| e.field.clone()).collect()))
            .collect();
        prop_assert_eq!(listed, e.rejected, "{}", e.text);
        let days: Vec<Day> = r.check_ins.iter().map(Day::of).collect();
        prop_assert_eq!(days, e.valid, "{}", e.text);
        prop_assert!(!r.imported);
    }

    #[test]
    fn a_file_of_valid_rows_is_imported_whole(f in file(true)) {
        let (e, r) = report_on(&f);
        prop_assert_eq!(r.rejected_count, 0, "{:?}\n{}", r.rejected, e.text);
        prop_assert!(r.rejected.is_empty());
        prop_assert_eq!(r.rows, f.rows.len());
        prop_assert_eq!(r.valid, r.rows);
        prop_assert_eq!(r.check_ins.len(), r.rows);
        let days: Vec<Day> = r.check_ins.iter().map(Day::of).collect();
        prop_assert_eq!(days, e.valid, "{}", e.text);
    }
}

#[test]
fn only_the_first_hundred_refused_rows_are_listed_and_all_are_counted() {
    // 150 rows, every tenth valid: 135 refused, of which the first 100 are listed.
    let mut text = String::from("date,pain\n");
    let (mut bad_lines, mut valid) = (Vec::new(), 0);
    for i in 0..150u64 {
        let date = today() - Days::new(i);
        if i % 10 == 9 {
            text.push_str(&format!("{date},3\n"));
            valid += 1;
        } else {
            text.push_str(&format!("{date},eleven\n"));
            bad_lines.push(i as usize + 2);
        }
    }
    let r = check(
        &text,
        &mapping(&[("date", "date"), ("pain", "pain")]),
        "%Y-%m-%d",
        today(),
    )
    .unwrap();
    assert_eq!(r.rows, 150);
    assert_eq!(r.valid, valid);
    assert_eq!(r.check_ins.len(), 15);
    assert_eq!(r.rejected_count, 135);
    assert_eq!(r.rejected.len(), REJECTED_LISTED);
    let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
    assert_eq!(lines, bad_lines[..REJECTED_LISTED]);
    assert!(
        r.rejected
            .iter()
            .all(|x| x.errors.len() == 1 && x.errors[0].field == "pain")
    );
}
