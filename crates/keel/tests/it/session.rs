//! The guided session without JavaScript: plain pages and forms, each "done" saved as it is
//! made, the same step twice one entry, a step that does not exist not found, no session
//! without a check-in, and a ten-minute version. And the summary's one save, which the page's
//! script uses: all the steps at once, all or none, the same twice one entry each.

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

both_backends! {
    async fn the_summary_saves_the_whole_session_at_once_all_or_none(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let token = csrf_token(&s.get("/").await.text().await.unwrap());
        let send = |fields: Vec<(String, String)>| {
            let s = &s;
            let token = token.clone();
            async move {
                let mut form = vec![("csrf".to_string(), token)];
                form.extend(fields);
                s.client
                    .post(s.url(&format!("/session/summary?date={}", today())))
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let step = |n: usize, id: &str, pain: &str| {
            vec![
                (format!("s{n}_exercise"), id.to_string()),
                (format!("s{n}_pain_during"), pain.to_string()),
                (format!("s{n}_effort"), "5".to_string()),
            ]
        };
        let r = send(step(1, "walk", "2")).await;
        assert_eq!(r.status().as_u16(), 409, "no session for a day without a check-in");
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 3, "sleep": 7, "energy": 6})).await;
        assert_eq!(r.status().as_u16(), 201);
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        let items = plan["items"].as_array().unwrap().clone();
        let id = |i: usize| items[i]["exercise_id"].as_str().unwrap().to_string();
        let logged = || async {
            let v: Value = s.get("/api/v1/activities").await.json().await.unwrap();
            v["activities"].as_array().unwrap().clone()
        };

        // One bad answer and one wrong exercise: nothing at all is saved, each problem beside
        // its step, the values kept.
        let mut bad = step(1, &id(0), "2");
        bad.extend(step(2, &id(0), "1"));
        bad.extend(step(3, &id(2), "12"));
        let r = send(bad).await;
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"s2_exercise-error\""), "{html}");
        assert!(html.contains("id=\"s3_pain_during-error\""), "{html}");
        assert!(html.contains(&format!("name=\"s1_exercise\" value=\"{}\"", id(0))), "values kept");
        assert!(logged().await.is_empty(), "all or none");
        let r = send(step(99, &id(0), "2")).await;
        assert_eq!(r.status().as_u16(), 422, "a step the session does not have");
        assert_eq!(send(vec![]).await.status().as_u16(), 422, "nothing to save");
        assert!(logged().await.is_empty());

        // Two steps in one save; the summary then counts them and clears the device's copy.
        let mut good = step(1, &id(0), "2");
        good.extend(step(3, &id(2), "0"));
        let r = send(good.clone()).await;
        assert_eq!(r.status().as_u16(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.contains("saved=2"), "{to}");
        let list = logged().await;
        assert_eq!(list.len(), 2, "{list:?}");
        assert!(list.iter().any(|a| a["exercise_id"] == id(2).as_str() && a["pain_during"] == 0));
        let page = s.get(&to).await.text().await.unwrap();
        assert!(page.contains("Saved: 2 exercises."), "{page}");
        assert!(page.contains("2 of "), "{page}");
        assert!(page.contains("id=\"saved\""), "the script is told to forget the kept copy");
        // Saved twice (a second tap, a reload): still one entry per step.
        assert_eq!(send(good).await.status().as_u16(), 303);
        assert_eq!(logged().await.len(), 2);
    }
}
