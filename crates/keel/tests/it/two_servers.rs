//! Two `keel serve` processes on one PostgreSQL database: nothing lost, nothing duplicated.

use serde_json::{Value, json};

use crate::helpers::{Server, TestDb, days_ago, today};

#[tokio::test]
async fn two_servers_share_one_database() {
    let Some(db) = TestDb::postgres("two-servers").await else {
        return;
    };
    let a = Server::start(&db.url);
    let b = Server::start(&db.url);
    // Both servers write the same 30 dates at once, each date from both sides.
    let mut tasks = Vec::new();
    for (k, server) in [&a, &b].into_iter().enumerate() {
        for n in 0..30 {
            let client = server.client.clone();
            let url = server.url("/api/v1/checkins");
            tasks.push(tokio::spawn(async move {
                let body = json!({"date": days_ago(n), "pain": (n + k as i64) % 10});
                let r = client.post(&url).json(&body).send().await.unwrap();
                let status = r.status().as_u16();
                let rec: Value = r.json().await.unwrap();
                (n, status, rec["replaced"].as_bool().unwrap())
            }));
        }
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    for n in 0..30 {
        let for_date: Vec<_> = results.iter().filter(|r| r.0 == n).collect();
        assert_eq!(for_date.len(), 2);
        let created = for_date.iter().filter(|r| r.1 == 201 && !r.2).count();
        let replaced = for_date.iter().filter(|r| r.1 == 200 && r.2).count();
        assert_eq!(
            (created, replaced),
            (1, 1),
            "date {n}: exactly one created and one replaced"
        );
    }
    for server in [&a, &b] {
        let list: Value = server
            .get(&format!(
                "/api/v1/checkins?from={}&to={}",
                days_ago(40),
                today()
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            list["check_ins"].as_array().unwrap().len(),
            30,
            "one check-in per date, seen from both"
        );
    }
}
