//! A server killed with SIGKILL, mid-stream of writes, keeps every acknowledged check-in.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, today};

/// Writes before the writer starts, and the last write it would make if never stopped.
const FIRST_BATCH: i64 = 40;
const LAST: i64 = 400;
/// Writes the writer must have had acknowledged before the kill.
const BEFORE_KILL: usize = 25;

/// The check-in written for day `n`: every field answered, each with a value of its own, so
/// that one stored with a field lost or taken from another write shows.
fn check_in(n: i64) -> Value {
    let locations = [
        json!([]),
        json!(["lower_back"]),
        json!(["neck", "left_leg"]),
    ];
    json!({
        "date": days_ago(n),
        "pain": n % 11,
        "locations": locations[(n % 3) as usize],
        "onset": if n % 2 == 0 { "gradual" } else { "sudden" },
        "stiffness_minutes": n % 60,
        "sleep": (n * 3) % 11,
        "energy": (n * 7) % 11,
        "sitting_hours": (n % 48) as f64 / 2.0,
        "walking_minutes": n,
        "notes": format!("write {n}"),
        "night_pain": n % 5 == 0,
    })
}

/// Sends the check-in for day `n`; on a 201, the check-in the server acknowledged.
async fn write(client: &reqwest::Client, url: &str, n: i64) -> Result<Value, String> {
    let r = client
        .post(url)
        .json(&check_in(n))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().as_u16() != 201 {
        return Err(format!("status {}", r.status()));
    }
    let record: Value = r.json().await.map_err(|e| e.to_string())?;
    Ok(record["check_in"].clone())
}

both_backends! {
    async fn sigkill_and_restart_keeps_committed_data(tdb: &TestDb) {
        let db = tdb.url.clone();
        let mut s = Server::start(&db);
        let url = s.url("/api/v1/checkins");
        let mut acknowledged = Vec::new();
        for n in 0..FIRST_BATCH {
            let saved = write(&s.client, &url, n).await.unwrap_or_else(|e| panic!("write {n}: {e}"));
            acknowledged.push((n, saved));
        }
        // Keep writing from another task, counting acknowledgements, while the process is
        // killed.
        let (count, mut counted) = tokio::sync::watch::channel(0usize);
        let client = s.client.clone();
        let writer = tokio::spawn(async move {
            let mut ok = Vec::new();
            for n in FIRST_BATCH..LAST {
                match write(&client, &url, n).await {
                    Ok(saved) => ok.push((n, saved)),
                    Err(e) => return (ok, Some(format!("write {n}: {e}"))),
                }
                count.send_replace(ok.len());
            }
            (ok, None)
        });
        tokio::time::timeout(Duration::from_secs(60), counted.wait_for(|n| *n >= BEFORE_KILL))
            .await
            .expect("the writer's writes acknowledged in time")
            .expect("the writer still writing");
        s.kill();
        let (more, stopped_by) = writer.await.unwrap();
        assert!(more.len() >= BEFORE_KILL, "{} acknowledged after the first batch", more.len());
        // The writer stops only at a write that failed: it was still sending when killed.
        stopped_by.expect("the kill landed while the writer was still sending");
        acknowledged.extend(more);

        let s = Server::start(&db);
        let r = s.get(&format!("/api/v1/checkins?from={}&to={}", days_ago(LAST), today())).await;
        assert_eq!(r.status().as_u16(), 200);
        let list: Value = r.json().await.unwrap();
        let stored: std::collections::BTreeMap<String, Value> = list["check_ins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["check_in"]["date"].as_str().unwrap().to_string(), c["check_in"].clone()))
            .collect();
        for (n, saved) in &acknowledged {
            let sent = check_in(*n);
            for (field, value) in sent.as_object().unwrap() {
                assert_eq!(&saved[field], value, "write {n} acknowledged with {field} changed: {saved}");
            }
            let date = sent["date"].as_str().unwrap();
            let kept = stored.get(date).unwrap_or_else(|| panic!("lost acknowledged write {n} ({date})"));
            assert_eq!(kept, saved, "write {n} ({date}) came back other than acknowledged");
        }
        assert!(s.get("/healthz").await.status().is_success());
    }
}
