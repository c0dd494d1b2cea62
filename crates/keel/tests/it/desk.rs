//! Desk ergonomics and breaks: heights for several statures, the feed parsed back, the
//! terminal countdown and the break log.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, csrf_token, run_cli};

both_backends! {
    async fn heights_and_fixes_through_the_api(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        for (stature, seat, desk) in [(150.0, 40.5, 62.3), (165.0, 44.3, 68.2), (180.0, 48.0, 74.1)] {
            let r = s.post_json("/api/v1/desk/assess", &json!({"stature_cm": stature})).await;
            assert_eq!(r.status().as_u16(), 200);
            let a: Value = r.json().await.unwrap();
            assert!((a["seat_height"]["cm"].as_f64().unwrap() - seat).abs() < 0.11, "{stature}: {a}");
            assert!((a["desk_height"]["cm"].as_f64().unwrap() - desk).abs() < 0.11, "{stature}: {a}");
            assert_eq!(a["seat_height"]["basis"], "estimated_from_stature");
        }
        let a: Value = s.post_json("/api/v1/desk/assess", &json!({"stature_cm": 165.0, "popliteal_height_cm": 44.0, "seat_height_cm": 52.0, "feet_flat": false})).await.json().await.unwrap();
        assert_eq!(a["seat_height"]["cm"], 47.0);
        assert_eq!(a["seat_height"]["basis"], "measured");
        let rules: Vec<&str> = a["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["ERG-CHAIR", "ERG-SEAT-HEIGHT"]);
        let r = s.post_json("/api/v1/desk/assess", &json!({"stature_cm": 300})).await;
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "stature_cm");
        // stored answers
        let r = s.client.put(s.url("/api/v1/desk")).json(&json!({"stature_cm": 170.0, "longest_sitting_minutes": 90})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let d: Value = s.get("/api/v1/desk").await.json().await.unwrap();
        assert_eq!(d["setup"]["stature_cm"], 170.0);
        assert_eq!(d["assessment"]["findings"][0]["rule"], "ERG-BREAK");
    }
}

both_backends! {
    async fn breaks_count_as_movement_and_the_feed_parses_back(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let r = s.post_json("/api/v1/breaks", &json!({})).await;
        assert_eq!(r.status().as_u16(), 201);
        let day: Value = r.json().await.unwrap();
        assert_eq!(day["minutes"], 2);
        let week: Value = s.get("/api/v1/week").await.json().await.unwrap();
        assert_eq!(week["moderate_minutes"], 2, "a break counts as movement");

        let r = s.client.put(s.url("/api/v1/breaks/settings")).json(&json!({"start": "08:30", "end": "12:30", "interval_minutes": 30, "working_days": ["mon", "wed", "fri"]})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let r = s.client.put(s.url("/api/v1/breaks/settings")).json(&json!({"start": "8.30"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);

        let link: Value = s.post_json("/api/v1/feeds/breaks", &json!({})).await.json().await.unwrap();
        let path = link["path"].as_str().unwrap().to_string();
        let fresh = reqwest::Client::new();
        let r = fresh.get(s.url(&path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let ics = r.text().await.unwrap();
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = icalendar::parser::unfold(&ics);
        let cal = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
        let events: Vec<_> = cal.components.iter().filter(|c| c.name == "VEVENT").collect();
        assert_eq!(events.len(), 7, "08:30-12:30 every 30 minutes: 09:00 .. 12:00");
        let prop = |c: &icalendar::parser::Component, name: &str| c.properties.iter().find(|p| p.name == name).map(|p| p.val.to_string()).unwrap_or_default();
        assert_eq!(prop(events[0], "RRULE"), "FREQ=WEEKLY;BYDAY=MO,WE,FR");
        assert!(prop(events[0], "DTSTART").ends_with("T090000"), "floating local time: {}", prop(events[0], "DTSTART"));
        assert!(events[0].components.iter().any(|c| c.name == "VALARM"), "each break has an alarm");
        // a wrong secret finds nothing; revoking turns the address off
        assert_eq!(fresh.get(s.url(&format!("/feeds/breaks/{}.ics", "0".repeat(64)))).send().await.unwrap().status().as_u16(), 404);
        assert_eq!(s.client.delete(s.url("/api/v1/feeds/breaks")).send().await.unwrap().status().as_u16(), 204);
        assert_eq!(fresh.get(s.url(&path)).send().await.unwrap().status().as_u16(), 404);
    }
}

both_backends! {
    async fn terminal_countdown_rings_and_logs(tdb: &TestDb) {
        let (code, out, err) = run_cli(&tdb.url, &["breaks", "--interval-seconds", "1", "--count", "2"], None);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.matches('\u{7}').count(), 2, "a bell at each break: {out}");
        assert!(out.contains("2 breaks logged"), "{out}");
        let (_, out, _) = run_cli(&tdb.url, &["week", "--json"], None);
        let week: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(week["moderate_minutes"], 4);
        let (code, _, err) = run_cli(&tdb.url, &["breaks", "--interval", "0"], None);
        assert_eq!(code, 2);
        assert!(err.contains("interval"));
        let (code, out, _) = run_cli(&tdb.url, &["desk", "--json"], Some(r#"{"stature_cm": 160}"#));
        assert_eq!(code, 0);
        let a: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(a["seat_height"]["cm"], 43.0);
    }
}

both_backends! {
    async fn desk_and_breaks_pages(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let html = s.get("/desk").await.text().await.unwrap();
        let token = csrf_token(&html);
        let r = s.client.post(s.url("/desk")).form(&[("csrf", token.as_str()), ("stature_cm", "165"), ("feet_flat", "no"), ("standing_desk", "yes")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let html = s.get("/desk").await.text().await.unwrap();
        assert!(html.contains("<svg class=\"desk-view\""));
        assert!(html.contains("<title id=\"desk-title\">"));
        assert!(html.contains("44.3"), "seat height shown");
        assert!(html.contains("ERG-CHAIR"));
        let r = s.client.post(s.url("/desk")).form(&[("csrf", token.as_str()), ("stature_cm", "tall")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("id=\"stature_cm-error\""));

        let html = s.get("/breaks").await.text().await.unwrap();
        assert!(html.contains("Your next break"));
        assert!(html.contains("src=\"/static/breaks.js\""));
        assert!(html.contains("Sitting and standing today"), "shown for standing-desk users");
        let r = s.client.post(s.url("/breaks/posture")).form(&[("csrf", token.as_str()), ("posture", "stand"), ("minutes", "400")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let html = s.get("/breaks").await.text().await.unwrap();
        assert!(html.contains("ERG-SIT-STAND"), "standing all day is flagged");
        // The new feed address is shown in the answer to the form, never in an address.
        let r = s.client.post(s.url("/breaks/feed")).form(&[("csrf", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        assert!(r.headers().get("location").is_none());
        assert_eq!(r.headers()["cache-control"], "no-store");
        let html = r.text().await.unwrap();
        let at = html.find("/feeds/breaks/").expect("the new address is shown");
        let feed = &html[at..at + "/feeds/breaks/".len() + 64 + 4];
        assert!(feed.ends_with(".ics"), "{feed}");
        let ics = s.get(feed).await;
        assert_eq!(ics.status().as_u16(), 200);
        assert!(ics.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
        assert!(!s.get("/breaks").await.text().await.unwrap().contains(feed), "shown once");
        // A bad form comes back with its message beside the field and her values kept.
        let r = s.client.post(s.url("/breaks/posture")).form(&[("csrf", token.as_str()), ("posture", "stand"), ("minutes", "NaN")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"minutes-error\"") && html.contains("value=\"NaN\""), "{html}");
        assert!(html.contains("<option value=\"stand\" selected>"));
        let r = s.client.post(s.url("/breaks/settings")).form(&[("csrf", token.as_str()), ("start", "09:00"), ("end", "17:00"), ("interval_minutes", "5"), ("working_days", "tue")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"interval_minutes-error\"") && html.contains("value=\"5\""), "{html}");
        assert!(html.contains("id=\"day-tue\" name=\"working_days\" value=\"tue\" checked"));
        assert!(!html.contains("id=\"day-mon\" name=\"working_days\" value=\"mon\" checked"), "the days she sent");
        let js = s.get("/static/breaks.js").await;
        assert!(js.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    }
}
