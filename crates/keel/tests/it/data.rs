//! Data that stays hers: export, import back exactly, FHIR and CSV, backup and restore,
//! deletion on request.

use serde_json::{Value, json};

use crate::helpers::{Server, TestDb, both_backends, cookie_client, csrf_token, days_ago, run_cli};

/// Asserts that a write was taken (2xx, or 303 after a form), naming it and the reason if not.
async fn took(what: &str, r: reqwest::Response) {
    let status = r.status();
    if !(status.is_success() || status.as_u16() == 303) {
        let body = r.text().await.unwrap_or_default();
        panic!(
            "{what}: {status} {}",
            body.chars().take(400).collect::<String>()
        );
    }
}

/// Records every kind of data the JSON export holds, with every field answered where the
/// kind allows, so that a round trip that drops a kind or a field shows. 12 check-ins.
pub(crate) async fn fill(s: &Server) {
    for n in (0..12).rev() {
        let mut body = json!({"date": days_ago(n), "pain": (n % 7) as u8 + 1, "sleep": 6, "energy": 6, "walking_minutes": 20 + n, "notes": format!("day {n}, with a comma, and \"quotes\"")});
        if n % 2 == 0 {
            body["locations"] = json!(["lower_back", "buttock"]);
            body["onset"] = json!("gradual");
            body["stiffness_minutes"] = json!(10 + n);
            body["sitting_hours"] = json!(6.5);
        }
        if n == 3 {
            body["night_pain"] = json!(true);
        }
        if n % 3 == 0 {
            body["symptoms"] =
                json!({"hot_flushes": (n % 5) as u8, "night_sweats": 1, "joint_aches": 2});
            body["hot_flush_count"] = json!(n);
            body["custom_symptoms"] = json!({"dry eyes": 1, "tingling, left hand": 2});
        }
        if n == 4 {
            body["bleeding"] = json!({"flow": "spotting", "after_sex": true});
        }
        took("a check-in", s.post_json("/api/v1/checkins", &body).await).await;
    }
    took(
        "a past period",
        s.post_json(
            "/api/v1/bleeding/periods",
            &json!({"start": days_ago(40), "end": days_ago(36), "flow": "heavy"}),
        )
        .await,
    )
    .await;
    took(
        "an acknowledgement",
        s.post_json(
            "/api/v1/acknowledgements",
            &json!({"rule": "RF-NIGHT-PAIN", "date": days_ago(3)}),
        )
        .await,
    )
    .await;
    let put = |path: &str, body: Value| s.client.put(s.url(path)).json(&body).send();
    took("the profile", put("/api/v1/profile", json!({"birth_date": "1974-03-02", "age": 51, "weight_kg": 62.5, "height_cm": 164.0, "tallest_height_cm": 167.5, "risk_factors": ["smoking", "early_menopause"], "vertebral_fracture": true, "cancer_history": false, "known_low_bone_density": true, "history_answered": true, "goals": ["back_pain", "bone"], "welcomed": true, "still_periods": "unsure", "cycle_context": [{"kind": "hormone_therapy_vaginal", "from": days_ago(90), "to": null}], "custom_symptoms": ["dry eyes", "tingling, left hand"]})).await.unwrap()).await;
    for (n, cm) in [(400, 166.0), (200, 165.0)] {
        took(
            "a height",
            s.post_json("/api/v1/heights", &json!({"date": days_ago(n), "cm": cm}))
                .await,
        )
        .await;
    }
    for (site, t_score) in [("total_hip", -1.6), ("lumbar_spine", -2.1)] {
        took(
            "a DEXA result",
            s.post_json(
                "/api/v1/dexa",
                &json!({"date": days_ago(300), "site": site, "t_score": t_score}),
            )
            .await,
        )
        .await;
    }
    took("an activity", s.post_json("/api/v1/activities", &json!({"date": days_ago(2), "exercise_id": "glute-bridge", "level": 2, "pain_during": 2, "sets": 2, "reps": 10, "hold_seconds": 5, "effort": 6})).await).await;
    took("an activity", s.post_json("/api/v1/activities", &json!({"date": days_ago(1), "exercise_id": "brisk-walk", "pain_during": 1, "minutes": 25})).await).await;
    took(
        "preferences",
        put(
            "/api/v1/preferences",
            json!({"excluded_exercises": ["hip-thrust"], "missing_equipment": ["bench", "resistance_band"]}),
        )
        .await
        .unwrap(),
    )
    .await;
    took("the desk", put("/api/v1/desk", json!({"stature_cm": 164.0, "popliteal_height_cm": 42.5, "sitting_elbow_height_cm": 24.0, "sitting_eye_height_cm": 76.0, "seat_height_cm": 48.0, "desk_height_cm": 74.0, "screen_top_height_cm": 118.0, "screen_distance_cm": 60.0, "feet_flat": false, "knees_about_90": true, "hips_not_below_knees": true, "longest_sitting_minutes": 90, "standing_desk": true, "standing_hours": 1.5, "sitting_hours": 6.0})).await.unwrap()).await;
    took(
        "break settings",
        put(
            "/api/v1/breaks/settings",
            json!({"start": "08:00", "end": "16:00", "interval_minutes": 45, "working_days": ["mon", "wed", "fri"]}),
        )
        .await
        .unwrap(),
    )
    .await;
    took("a break", s.post_json("/api/v1/breaks", &json!({})).await).await;
    // Posture has no API: it is logged from the breaks page's form.
    let html = s.get("/breaks").await.text().await.unwrap();
    let token = csrf_token(&html);
    let r = s
        .client
        .post(s.url("/breaks/posture"))
        .form(&[
            ("csrf", token.as_str()),
            ("posture", "stand"),
            ("minutes", "45"),
        ])
        .send()
        .await
        .unwrap();
    took("a posture entry", r).await;
    took("an MRS response", s.post_json("/api/v1/questionnaires/mrs/responses", &json!({"answers": {"hot_flushes": 3, "heart": 0, "sleep": 2, "mood": 1, "irritability": 1, "anxiety": 0, "exhaustion": 2, "sexual": 1, "bladder": 0, "vaginal_dryness": 1, "joints": 3}})).await).await;
    took(
        "a PEG response",
        s.post_json(
            "/api/v1/questionnaires/peg/responses",
            &json!({"date": days_ago(1), "answers": {"pain": 4, "enjoyment": 3, "activity": 5}}),
        )
        .await,
    )
    .await;
}

/// The parts of an export that `fill` left empty: a kind with no entry, or a field of the
/// single-valued kinds (profile, preferences, desk, break settings) left unanswered.
fn unfilled(export: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in export.as_object().unwrap() {
        match value {
            Value::Array(a) if a.is_empty() => out.push(key.clone()),
            Value::Null => out.push(key.clone()),
            Value::Object(fields) => {
                for (name, v) in fields {
                    if v.is_null() || v.as_array().is_some_and(Vec::is_empty) {
                        out.push(format!("{key}.{name}"));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Asserts two exports are equal but for `exported_at`, kind by kind so a failure names the
/// kind that changed.
fn same_apart_from_the_stamp(first: &Value, again: &Value, how: &str) {
    let (first, again) = (without_stamp(first.clone()), without_stamp(again.clone()));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&first), keys(&again), "{how}: the same kinds");
    for key in keys(&first) {
        assert_eq!(first[&key], again[&key], "{how}: {key} came back changed");
    }
    assert_eq!(first, again, "{how}: identical apart from the export time");
}

fn without_stamp(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("exported_at");
    v
}

both_backends! {
    async fn export_then_import_into_an_empty_database_loses_nothing(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        fill(&s).await;
        let first: Value = s.get("/api/v1/export?format=json").await.json().await.unwrap();
        assert_eq!(first["schema_version"], 1);
        assert_eq!(first["check_ins"].as_array().unwrap().len(), 12);
        // Every kind is there to lose, so the comparison below covers every kind.
        assert_eq!(unfilled(&first), Vec::<String>::new(), "left empty by fill");
        let file = tdb.dir.0.join("export.json");
        std::fs::write(&file, serde_json::to_vec(&first).unwrap()).unwrap();

        // an empty database of the same backend
        let other = if tdb.url.starts_with("postgres") { TestDb::postgres("import-target").await.unwrap() } else { TestDb::sqlite("import-target") };
        let (code, out, err) = run_cli(&other.url, &["import", file.to_str().unwrap()], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Imported 12 check-ins"), "{out}");
        let again_file = other.dir.0.join("again.json");
        let (code, _, err) = run_cli(&other.url, &["export", "--format", "json", "-o", again_file.to_str().unwrap()], None);
        assert_eq!(code, 0, "{err}");
        let again: Value = serde_json::from_slice(&std::fs::read(&again_file).unwrap()).unwrap();
        same_apart_from_the_stamp(&first, &again, "through the CLI");

        // the derived decisions came back too
        let t = Server::start(&other.url);
        let plan: Value = t.get(&format!("/api/v1/plan/{}", days_ago(3))).await.json().await.unwrap();
        assert_eq!(plan["acknowledged"][0]["rule"], "RF-NIGHT-PAIN");

        // and the same through the API, into a server on another empty database
        let third = if tdb.url.starts_with("postgres") { TestDb::postgres("api-import-target").await.unwrap() } else { TestDb::sqlite("api-import-target") };
        let u = Server::start(&third.url);
        took("the import", u.post_json("/api/v1/import", &first).await).await;
        let again: Value = u.get("/api/v1/export?format=json").await.json().await.unwrap();
        same_apart_from_the_stamp(&first, &again, "through the API");
    }
}

both_backends! {
    async fn a_bad_file_never_half_imports(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        fill(&s).await;
        let mut export: Value = s.get("/api/v1/export").await.json().await.unwrap();
        let before = export.clone();
        export["check_ins"][5]["pain"] = json!(99);
        export["heights"][0]["cm"] = json!("tall");
        let r = s.post_json("/api/v1/import", &export).await;
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"check_ins[5].pain") && fields.contains(&"heights[0].cm"), "{fields:?}");
        let after: Value = s.get("/api/v1/export").await.json().await.unwrap();
        assert_eq!(without_stamp(before), without_stamp(after), "nothing changed");
        assert_eq!(s.post_json("/api/v1/import", &json!({"hello": 1})).await.status().as_u16(), 422);
    }
}

both_backends! {
    async fn fhir_and_csv_exports(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        fill(&s).await;
        let r = s.get("/api/v1/export?format=fhir").await;
        assert_eq!(r.headers()["content-type"], "application/fhir+json");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        let entries = b["entry"].as_array().unwrap();
        assert_eq!(entries[0]["resource"]["resourceType"], "Patient");
        let code_of = |e: &Value| e["resource"]["code"]["coding"][0]["code"].as_str().unwrap_or("").to_string();
        let pain: Vec<&Value> = entries.iter().filter(|e| code_of(e) == "72514-3").collect();
        assert_eq!(pain.len(), 12);
        assert_eq!(pain[0]["resource"]["valueQuantity"]["system"], "http://unitsofmeasure.org");
        for code in ["8302-2", "29463-7", "39156-5"] {
            assert!(entries.iter().any(|e| code_of(e) == code), "{code}");
        }
        let qr: Vec<&Value> = entries.iter().filter(|e| e["resource"]["resourceType"] == "QuestionnaireResponse").collect();
        let mut items: Vec<usize> = qr.iter().map(|q| q["resource"]["item"].as_array().unwrap().len()).collect();
        items.sort();
        assert_eq!(items, [3, 11], "one PEG and one MRS response, every item");
        for e in entries {
            assert!(e["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
        }

        let r = s.get("/api/v1/export?format=csv").await;
        assert_eq!(r.headers()["content-type"], "application/zip");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a readable zip");
        let names: Vec<String> = zip.file_names().map(|n| n.expect("a file name").to_string()).collect();
        for name in ["check_ins.csv", "activities.csv", "heights.csv", "dexa.csv", "breaks.csv", "questionnaires.csv"] {
            assert!(names.contains(&name.to_string()), "{name} in {names:?}");
        }
        let mut check_ins = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("check_ins.csv").unwrap(), &mut check_ins).unwrap();
        let lines: Vec<&str> = check_ins.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines[0].starts_with("date,pain,locations"), "{}", lines[0]);
        assert_eq!(lines.len(), 13, "a header and 12 check-ins");
        assert!(check_ins.contains("\"day 3, with a comma, and \"\"quotes\"\"\""), "quoted notes: {check_ins}");
        assert_eq!(s.get("/api/v1/export?format=xml").await.status().as_u16(), 422);
        let audit: Value = s.get("/api/v1/audit").await.json().await.unwrap();
        assert!(audit["events"].as_array().unwrap().iter().any(|e| e["kind"] == "export"));
    }
}

#[tokio::test]
async fn backup_while_serving_and_restore_after_checking() {
    let db = TestDb::sqlite("backup");
    let s = Server::start(&db.url);
    fill(&s).await;
    let backup = db.dir.0.join("backup.db");
    let (code, out, err) = run_cli(&db.url, &["backup", backup.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("12 check-ins"), "{out}");
    let (code, _, _) = run_cli(&db.url, &["backup", backup.to_str().unwrap()], None);
    assert_ne!(code, 0, "never overwrites");
    drop(s);
    let target = db.dir.0.join("restored.db");
    let (code, out, err) = run_cli(
        target.to_str().unwrap(),
        &["restore", backup.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Restored"));
    let t = Server::start(target.to_str().unwrap());
    let list: Value = t
        .get(&format!("/api/v1/checkins?from={}", days_ago(20)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["check_ins"].as_array().unwrap().len(), 12);
    let junk = db.dir.0.join("junk.db");
    std::fs::write(&junk, b"this is not a database").unwrap();
    let (code, _, err) = run_cli(
        target.to_str().unwrap(),
        &["restore", junk.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("file"), "{err}");
}

both_backends! {
    async fn csv_from_another_tracker_with_a_dry_run(tdb: &TestDb) {
        let file = tdb.dir.0.join("tracker.csv");
        let good = format!("Day,Pain level,Notes\n{},4,\"stiff, after driving\"\n{},2,\n", days_ago(2), days_ago(1));
        std::fs::write(&file, &good).unwrap();
        let args = ["import-csv", file.to_str().unwrap(), "--map", "date=Day", "--map", "pain=Pain level", "--map", "notes=Notes"];
        let mut dry = args.to_vec();
        dry.push("--dry-run");
        let (code, out, _) = run_cli(&tdb.url, &dry, None);
        assert_eq!(code, 0);
        assert!(out.contains("2 can be imported") && out.contains("nothing was changed"), "{out}");
        let s = Server::start(&tdb.url);
        let list: Value = s.get("/api/v1/checkins").await.json().await.unwrap();
        assert_eq!(list["check_ins"], json!([]), "a dry run changes nothing");

        let bad = format!("{good}{},eleven,\n", days_ago(0));
        std::fs::write(&file, &bad).unwrap();
        let (code, out, err) = run_cli(&tdb.url, &args, None);
        assert_eq!(code, 2);
        assert!(err.contains("line 4: pain"), "{err}");
        assert!(out.contains("1 refused"), "{out}");
        let list: Value = s.get("/api/v1/checkins").await.json().await.unwrap();
        assert_eq!(list["check_ins"], json!([]), "a bad file never half-imports");

        std::fs::write(&file, &good).unwrap();
        let (code, out, err) = run_cli(&tdb.url, &args, None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Imported 2 check-ins"));
        let list: Value = s.get("/api/v1/checkins").await.json().await.unwrap();
        assert_eq!(list["check_ins"][0]["check_in"]["notes"], "stiff, after driving");

        // the API: dry run report, then refusal naming the line and field
        let r = s.post_json("/api/v1/import/csv", &json!({"csv": bad, "mapping": {"date": "Day", "pain": "Pain level"}, "dry_run": true})).await;
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["valid"], 2);
        assert_eq!(report["rejected"][0]["line"], 4);
        assert_eq!(report["imported"], false);
        let r = s.post_json("/api/v1/import/csv", &json!({"csv": bad, "mapping": {"date": "Day", "pain": "Pain level"}})).await;
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "rows[4].pain");
    }
}

#[tokio::test]
async fn an_import_may_exceed_the_ordinary_body_limit() {
    let db = TestDb::sqlite("big-import");
    let s = Server::start(&db.url);
    let check_ins: Vec<Value> = (0..40)
        .map(|n| json!({"date": days_ago(n), "pain": 2, "notes": "n".repeat(2000)}))
        .collect();
    let body = json!({"schema": "keel-export", "schema_version": 1, "check_ins": check_ins});
    assert!(body.to_string().len() > 64 * 1024);
    assert_eq!(
        s.post_json(
            "/api/v1/checkins",
            &json!({"pain": 1, "notes": "n".repeat(70_000)})
        )
        .await
        .status()
        .as_u16(),
        413
    );
    let r = s.post_json("/api/v1/import", &body).await;
    assert_eq!(r.status().as_u16(), 200);
    let list: Value = s
        .get(&format!("/api/v1/checkins?from={}", days_ago(60)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["check_ins"].as_array().unwrap().len(), 40);
}

async fn check_ins_exported(s: &Server, c: &reqwest::Client) -> usize {
    let r = c
        .get(s.url("/api/v1/export?format=json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    v["check_ins"].as_array().unwrap().len()
}

both_backends! {
    async fn everything_is_deleted_on_request_without_an_account_or_with_one(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let c = cookie_client();
        // Single-user mode, from the page: a confirmation is asked for and a slip deletes nothing.
        fill(&s).await;
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Delete all data"), "offered without an account");
        let token = csrf_token(&html);
        let r = c.post(s.url("/account/delete")).form(&[("csrf", token.as_str()), ("confirm", "delete?")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(check_ins_exported(&s, &c).await, 12, "not confirmed: nothing deleted");
        let r = c.post(s.url("/account/delete")).form(&[("confirm", "DELETE")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "no CSRF token: refused");
        assert_eq!(check_ins_exported(&s, &c).await, 12);
        let r = c.post(s.url("/account/delete")).form(&[("csrf", token.as_str()), ("confirm", "DELETE")]).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/"));
        assert_eq!(check_ins_exported(&s, &c).await, 0);
        let export: Value = s.get("/api/v1/export?format=json").await.json().await.unwrap();
        for list in ["activities", "acknowledgements", "heights", "dexa"] {
            assert_eq!(export[list].as_array().map(Vec::len), Some(0), "{list}: {export}");
        }
        assert_eq!(s.get(&format!("/api/v1/plan/{}", days_ago(3))).await.status().as_u16(), 404, "no plan kept from before");
        // A fresh start works at once; then the API deletes it too.
        fill(&s).await;
        assert_eq!(check_ins_exported(&s, &c).await, 12);
        for unconfirmed in ["/api/v1/account", "/api/v1/account?confirm=delete"] {
            let r = s.client.delete(s.url(unconfirmed)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 422, "{unconfirmed}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], "confirm");
        }
        assert_eq!(check_ins_exported(&s, &c).await, 12, "nothing deleted unconfirmed");
        assert_eq!(s.client.delete(s.url("/api/v1/account?confirm=DELETE")).send().await.unwrap().status().as_u16(), 204);
        assert_eq!(check_ins_exported(&s, &c).await, 0);

        // With accounts: only her own data goes, and her session with it.
        let ana = cookie_client();
        let bea = cookie_client();
        for (c, email) in [(&ana, "ana@example.org"), (&bea, "bea@example.org")] {
            let r = c.post(s.url("/api/v1/auth/signup")).json(&json!({"email": email, "password": "a long enough secret"})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 201);
            let r = c.post(s.url("/api/v1/checkins")).json(&json!({"pain": 3})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 201);
        }
        assert_eq!(ana.delete(s.url("/api/v1/account?confirm=DELETE")).send().await.unwrap().status().as_u16(), 204);
        assert_eq!(ana.get(s.url("/api/v1/checkins")).send().await.unwrap().status().as_u16(), 401, "her session went with her account");
        let r = ana.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": "a long enough secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "the account is gone");
        assert_eq!(check_ins_exported(&s, &bea).await, 1, "the other account keeps hers");
    }
}

/// Whether `value` conforms to `schema`, as far as Keel's document uses JSON Schema: types,
/// enums, bounds, required and unknown properties, items, and references. Problems go to
/// `out` with their path.
fn conforms(doc: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return conforms(doc, &doc["components"]["schemas"][name], value, path, out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let fits = options.iter().any(|o| {
                let mut e = Vec::new();
                conforms(doc, o, value, path, &mut e);
                e.is_empty()
            });
            if !fits {
                out.push(format!("{path}: fits none of {key}"));
            }
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        all.iter().for_each(|s| conforms(doc, s, value, path, out));
    }
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty()
        && !types
            .iter()
            .any(|t| *t == kind || (*t == "number" && kind == "integer"))
    {
        out.push(format!("{path}: {kind}, not {types:?}"));
        return;
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        out.push(format!("{path}: {value} is not one of {options:?}"));
    }
    if let Some(n) = value.as_f64()
        && (schema["minimum"].as_f64().is_some_and(|m| n < m)
            || schema["maximum"].as_f64().is_some_and(|m| n > m))
    {
        out.push(format!("{path}: {n} out of bounds"));
    }
    match value {
        Value::Object(fields) => {
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !fields.contains_key(name) {
                    out.push(format!("{path}.{name}: required"));
                }
            }
            for (name, v) in fields {
                let p = format!("{path}.{name}");
                match (&schema["properties"][name], &schema["additionalProperties"]) {
                    (Value::Null, Value::Bool(false)) => {
                        out.push(format!("{p}: not in the schema"))
                    }
                    (Value::Null, extra @ Value::Object(_)) => conforms(doc, extra, v, &p, out),
                    (Value::Null, _) => {}
                    (property, _) => conforms(doc, property, v, &p, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                conforms(doc, &schema["items"], v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

both_backends! {
    async fn an_export_is_what_the_import_schema_describes(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        fill(&s).await;
        let doc: Value = s.get("/api/v1/openapi.json").await.json().await.unwrap();
        let body = &doc["paths"]["/api/v1/import"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        let export: Value = s.get("/api/v1/export?format=json").await.json().await.unwrap();
        for list in ["check_ins", "activities", "acknowledgements", "heights", "dexa", "breaks", "questionnaires"] {
            assert!(!export[list].as_array().unwrap().is_empty(), "{list} filled, so it is checked");
        }
        let mut problems = Vec::new();
        conforms(&doc, body, &export, "export", &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
        // The checker itself catches what the schema forbids.
        let mut wrong = export.clone();
        wrong["check_ins"][0]["pain"] = json!(11);
        wrong["check_ins"][1].as_object_mut().unwrap().remove("date");
        wrong["heights"][0]["feet"] = json!(5);
        wrong["schema"] = json!("another-tracker");
        let mut problems = Vec::new();
        conforms(&doc, body, &wrong, "export", &mut problems);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        // And the server refuses that file, as the schema says it would.
        assert_eq!(s.post_json("/api/v1/import", &wrong).await.status().as_u16(), 422);
        // A check-in in an export carries its date: a null one is not taken as today.
        let mut undated = export.clone();
        undated["check_ins"][0]["date"] = Value::Null;
        let r = s.post_json("/api/v1/import", &undated).await;
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "check_ins[0].date");
        // Nor is anything in it dated after today, and nothing out of range is bent to fit:
        // each such file is refused whole, naming the entry.
        let cases: [(&str, &str, Value, &str); 5] = [
            ("acknowledgements", "acknowledged_on", json!("9601-02-02"), "acknowledgements[0].acknowledged_on"),
            ("breaks", "taken_at", json!("9601-02-02T08:00:00"), "breaks[0]"),
            ("breaks", "exercise_id", json!("no-such-exercise"), "breaks[0]"),
            ("questionnaires", "date", json!("9601-02-02"), "questionnaires[0]"),
            // 260 would wrap to 4 in a byte, a valid score
            ("questionnaires", "answers", json!([260, 0, 2, 1, 1, 0, 2, 1, 0, 1, 3]), "questionnaires[0]"),
        ];
        for (list, key, value, field) in cases {
            let mut bad = export.clone();
            bad[list][0][key] = value;
            let r = s.post_json("/api/v1/import", &bad).await;
            assert_eq!(r.status().as_u16(), 422, "{list}.{key}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{p}");
        }
        // The store keeps one entry per key in each list: a file with two is refused, naming
        // the second, rather than failing as a conflict with stored data.
        for (list, field) in [
            ("check_ins", "check_ins[1].date"),
            ("acknowledgements", "acknowledgements[1].rule"),
            ("heights", "heights[1].date"),
            ("dexa", "dexa[1]"),
            ("activities", "activities[1]"),
            ("breaks", "breaks[1].taken_at"),
            ("questionnaires", "questionnaires[1]"),
        ] {
            let mut twice = export.clone();
            let entry = twice[list][0].clone();
            twice[list] = json!([entry.clone(), entry]);
            let r = s.post_json("/api/v1/import", &twice).await;
            assert_eq!(r.status().as_u16(), 422, "{list}");
            let p: Value = r.json().await.unwrap();
            assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["message"].as_str()), (Some(field), Some("appears twice")), "{p}");
        }
        let after: Value = s.get("/api/v1/export?format=json").await.json().await.unwrap();
        assert_eq!(after["check_ins"], export["check_ins"], "nothing changed");
        assert_eq!(after["acknowledgements"], export["acknowledgements"]);
    }
}
