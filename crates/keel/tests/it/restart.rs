//! A server killed with SIGKILL, mid-stream of writes, keeps every acknowledged check-in.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, today};

both_backends! {
    async fn sigkill_and_restart_keeps_committed_data(tdb: &TestDb) {
    let db = tdb.url.clone();
    let mut s = Server::start(&db);
    let mut acknowledged = Vec::new();
    for n in 0..40 {
        let date = days_ago(n);
        let r = s
            .post_json("/api/v1/checkins", &json!({"date": date, "pain": (n % 10)}))
            .await;
        assert!(r.status().is_success());
        acknowledged.push((date, n % 10));
    }
    // Keep writing from another task while the process is killed.
    let client = s.client.clone();
    let url = s.url("/api/v1/checkins");
    let writer = tokio::spawn(async move {
        let mut ok = Vec::new();
        for n in 40..400 {
            let date = days_ago(n);
            match client
                .post(&url)
                .json(&json!({"date": date, "pain": 3}))
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => ok.push(date),
                _ => break,
            }
        }
        ok
    });
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    s.kill();
    let more = writer.await.unwrap();

    let s = Server::start(&db);
    let list: Value = s
        .get(&format!(
            "/api/v1/checkins?from={}&to={}",
            days_ago(400),
            today()
        ))
        .await
        .json()
        .await
        .unwrap();
    let stored: Vec<(String, i64)> = list["check_ins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check_in"]["date"].as_str().unwrap().to_string(),
                c["check_in"]["pain"].as_i64().unwrap(),
            )
        })
        .collect();
    for (date, pain) in &acknowledged {
        assert!(stored.contains(&(date.clone(), *pain)), "lost {date}");
    }
    for date in &more {
        assert!(
            stored.iter().any(|(d, _)| d == date),
            "lost acknowledged {date}"
        );
    }
    assert!(s.get("/healthz").await.status().is_success());
}
}
