//! Progress, questionnaires and the clinician report for a seeded history.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, run_cli};

async fn seed_history(s: &Server) {
    for n in (0..40).rev() {
        let pain = if n % 2 == 0 { 3 } else { 5 };
        let mut body = json!({"date": days_ago(n), "pain": pain, "sleep": 6, "energy": 5, "walking_minutes": if pain == 3 { 40 } else { 10 }, "sitting_hours": 6});
        if n == 10 {
            body["fever"] = json!(true);
            body["notes"] = json!("Hot and shivery after a cold");
        }
        let r = s.post_json("/api/v1/checkins", &body).await;
        assert!(r.status().is_success());
    }
}

both_backends! {
    async fn progress_associations_and_questionnaires(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        seed_history(&s).await;
        let p: Value = s.get("/api/v1/progress").await.json().await.unwrap();
        assert!(p["trends"]["pain_7_day_mean"].as_f64().is_some());
        assert_eq!(p["trends"]["weeks"].as_array().unwrap().len(), 12);
        assert_eq!(p["pain_days"].as_array().unwrap().len(), 40);
        let walking = p["associations"].as_array().unwrap().iter().find(|a| a["factor"] == "walking_minutes").unwrap().clone();
        assert!(walking["n"].as_u64().unwrap() >= 21);
        assert!(walking["rho"].as_f64().is_some(), "{walking}");
        let qs: Value = s.get("/api/v1/questionnaires").await.json().await.unwrap();
        assert_eq!(qs["questionnaires"][0]["due"], true);
        let r = s.post_json("/api/v1/questionnaires/peg/responses", &json!({"answers": {"pain": 5, "enjoyment": 6, "activity": 6}})).await;
        assert_eq!(r.status().as_u16(), 201);
        let scored: Value = r.json().await.unwrap();
        assert_eq!(scored["score"]["total"], 5.7);
        let r = s.post_json("/api/v1/questionnaires/mrs/responses", &json!({"answers": {"hot_flushes": 9}})).await;
        assert_eq!(r.status().as_u16(), 422);
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "answers.hot_flushes");
        assert_eq!(s.post_json("/api/v1/questionnaires/odi/responses", &json!({"answers": {}})).await.status().as_u16(), 404);
        let qs: Value = s.get("/api/v1/questionnaires").await.json().await.unwrap();
        assert_eq!(qs["questionnaires"][0]["due"], false, "PEG answered this week");
        let html = s.get("/progress").await.text().await.unwrap();
        assert!(html.contains("<title id=\"pain-chart-title\">"));
        assert!(html.contains("<caption>Daily pain, last 90 days</caption>"));
        assert!(html.contains("not proof of cause"));
    }
}

/// The PDF's text as poppler's pdftotext reads it (an independent reader). Locally a missing
/// pdftotext skips the text check with a printed reason; under CI it is a failure. A
/// pdftotext that runs and cannot read the file always fails the test.
fn pdf_text(dir: &std::path::Path, bytes: &[u8]) -> Option<String> {
    let path = dir.join("check.pdf");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!(
            "pdftotext could not read the report ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !crate::helpers::under_ci() => {
            eprintln!("SKIPPED PDF text check: pdftotext (poppler-utils) is not installed");
            None
        }
        Err(e) => panic!("pdftotext (poppler-utils) is needed under CI: {e}"),
    }
}

both_backends! {
    async fn clinician_report_as_page_and_pdf(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        seed_history(&s).await;
        s.client.put(s.url("/api/v1/profile")).json(&json!({"age": 52, "weight_kg": 61.0, "height_cm": 162.0, "risk_factors": ["smoking"]})).send().await.unwrap();
        let html = s.get("/report").await.text().await.unwrap();
        assert!(html.contains("RF-FEVER"), "red-flag history with dates");
        assert!(!html.contains("Hot and shivery"), "her notes only when she ticks them");
        assert!(html.contains("BONE-DEXA-50"));
        assert!(html.contains("Current episode of back pain"), "the first page's story");
        let html = s.get("/report?days=30&sections=notes,bone&name=Ana%20Lima&born=1974").await.text().await.unwrap();
        assert!(html.contains("Hot and shivery"), "her notes, ticked");
        assert!(html.contains("Ana Lima, born 1974"));
        assert!(!html.contains("<h2>Desk set-up</h2>") && !html.contains("<h2>Questionnaires</h2>"), "sections left out");
        let r = s.get("/report.pdf?sections=bone,questionnaires,notes&paper=letter&name=Ana").await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let doc = lopdf::Document::load_mem(&bytes).expect("a readable PDF");
        let pages = doc.get_pages();
        assert!(pages.len() >= 2, "a first page, then the details");
        let first = *pages.values().next().unwrap();
        let media = doc.get_dictionary(first).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
        assert_eq!(media[2].as_float().unwrap().round(), 612.0, "US Letter is 8.5 inches wide");
        if let Some(text) = pdf_text(&tdb.dir.0, &bytes) {
            for expected in ["Keel report", "Ana", "Summary", "Current episode", "Warning signs in this period", "RF-FEVER", "Hot and shivery", "I smoke", "What she did", "Weekly means", &format!("page 1 of {}", pages.len()), "It does not diagnose"] {
                assert!(text.contains(expected), "PDF text lacks {expected}: {text}");
            }
            // Reading order: the summary comes before the details.
            assert!(text.find("Summary").unwrap() < text.find("Weekly means").unwrap());
        }
        let file = tdb.dir.0.join("report.pdf");
        let (code, out, err) = run_cli(&tdb.url, &["report", "--from", &days_ago(30), "--to", &days_ago(0), "--sections", "bone,notes", "--paper", "letter", "-o", file.to_str().unwrap()], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("written"));
        assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));
        let tomorrow = (crate::helpers::today_date() + chrono::Duration::days(1)).to_string();
        for (args, field) in [
            (vec!["--from", "2026-02-30"], "from"),
            (vec!["--from", &days_ago(10), "--to", &days_ago(20)], "from"),
            (vec!["--to", tomorrow.as_str()], "to"),
            (vec!["--from", &days_ago(800)], "from"),
            (vec!["--sections", "bone,diet"], "sections"),
        ] {
            let mut all = vec!["report"];
            all.extend(args.iter().copied());
            all.extend(["-o", file.to_str().unwrap()]);
            let (code, _, err) = run_cli(&tdb.url, &all, None);
            assert_eq!(code, 2, "{args:?}");
            assert!(err.contains(field), "{args:?}: {err}");
        }
        // The API and the page refuse the same, naming the field; the page keeps her values.
        for (query, field) in [
            (format!("from={}&to={}", days_ago(10), days_ago(20)), "from"),
            (format!("to={tomorrow}"), "to"),
            (format!("from={}", days_ago(800)), "from"),
            ("sections=bone,diet".to_string(), "sections"),
            ("days=45".to_string(), "days"),
        ] {
            let r = s.get(&format!("/api/v1/report?{query}")).await;
            assert_eq!(r.status().as_u16(), 422, "{query}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{query}: {p}");
            let r = s.get(&format!("/report?{query}")).await;
            assert_eq!(r.status().as_u16(), 422, "{query}");
            let page = r.text().await.unwrap();
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{query}: beside the field");
        }
        let r = s.get("/api/v1/report?days=30&sections=cycle").await;
        assert_eq!(r.status().as_u16(), 200);
    }
}
