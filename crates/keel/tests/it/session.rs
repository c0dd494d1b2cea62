//! The guided session without JavaScript: plain pages and forms, each "done" saved as it is
//! made, the same step twice one entry, a step that does not exist not found, no session
//! without a check-in, and a ten-minute version.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, csrf_token, today};

both_backends! {
    async fn a_session_runs_step_by_step_and_keeps_what_was_done(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let r = s.get("/session").await;
        assert_eq!(r.status().as_u16(), 409, "no session before the day's check-in");
        assert!(r.text().await.unwrap().contains("Check in first"));
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 3, "sleep": 7, "energy": 6})).await;
        assert_eq!(r.status().as_u16(), 201);
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        let items = plan["items"].as_array().unwrap().clone();
        assert!(items.len() >= 3);
        let overview = s.get("/session").await.text().await.unwrap();
        assert!(overview.contains("minutes</strong> in all"), "the total time before it starts");
        let step = s.get("/session/1").await;
        assert_eq!(step.status().as_u16(), 200);
        let html = step.text().await.unwrap();
        assert!(html.len() < 60 * 1024, "a step page is {} bytes", html.len());
        assert!(html.contains(items[0]["name"].as_str().unwrap()));
        assert!(html.contains("Step 1 of"));
        let token = csrf_token(&html);
        let done = |n: usize, pain: &'static str| {
            let s = &s;
            let token = token.clone();
            async move {
                s.client
                    .post(s.url(&format!("/session/{n}?date={}", today())))
                    .form(&[("csrf", token.as_str()), ("pain_during", pain), ("effort", "4")])
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = done(1, "2").await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/session/2"));
        // Done twice: one entry, the second answer.
        assert_eq!(done(1, "3").await.status().as_u16(), 303);
        // A bad answer comes back beside its field; nothing is logged for it.
        let r = done(2, "11").await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("id=\"pain_during-error\""));
        let logged: Value = s.get("/api/v1/activities").await.json().await.unwrap();
        let list = logged["activities"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{logged}");
        assert_eq!(list[0]["exercise_id"], items[0]["exercise_id"]);
        assert_eq!(list[0]["pain_during"], 3);
        assert_eq!(s.get("/session/99").await.status().as_u16(), 404);
        assert_eq!(done(99, "2").await.status().as_u16(), 404);
        let summary = s.get("/session/summary").await.text().await.unwrap();
        assert!(summary.contains("1 of "), "{summary}");
        assert!(summary.contains("skipped"));
        // The ten-minute version fits in ten minutes.
        let short = s.get("/session?short=1").await.text().await.unwrap();
        let minutes: u32 = short
            .split("about ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(minutes <= 10, "{minutes} minutes");
        let today_page = s.get("/").await.text().await.unwrap();
        assert!(today_page.contains("href=\"/session?date="), "Start on Today");
    }
}

both_backends! {
    async fn a_step_can_be_swapped_for_an_easier_one(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 3, "sleep": 7, "energy": 6})).await;
        assert_eq!(r.status().as_u16(), 201);
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        let items = plan["items"].as_array().unwrap();
        // The first step whose page offers a swap.
        let mut found = None;
        for n in 1..=items.len() {
            let html = s.get(&format!("/session/{n}")).await.text().await.unwrap();
            if html.contains("Swap for an easier one") {
                found = Some((n, html));
                break;
            }
        }
        let (n, _) = found.expect("some step has an easier exercise");
        let planned = items[n - 1]["exercise_id"].as_str().unwrap().to_string();
        let html = s.get(&format!("/session/{n}?swap=1")).await.text().await.unwrap();
        assert!(html.contains("An easier swap for"), "the swap says so");
        assert!(html.contains("Back to the planned one"));
        let token = csrf_token(&html);
        let r = s
            .client
            .post(s.url(&format!("/session/{n}?date={}&swap=1", today())))
            .form(&[("csrf", token.as_str()), ("pain_during", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let logged: Value = s.get("/api/v1/activities").await.json().await.unwrap();
        let list = logged["activities"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_ne!(list[0]["exercise_id"].as_str().unwrap(), planned, "the easier one is logged");
        assert_eq!(list[0]["level"], 1);
        assert_eq!(list[0]["family"], items[n - 1]["family"]);
        let summary = s.get("/session/summary").await.text().await.unwrap();
        assert!(summary.contains("1 of "), "the swapped step counts as done: {summary}");
    }
}
