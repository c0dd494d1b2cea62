//! Two `keel serve` processes on one PostgreSQL database: nothing lost, nothing duplicated.

use serde_json::{Value, json};
use sqlx::Connection;

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

/// A server whose local user has checked in once, and a session of its own that holds her
/// write lock (the advisory lock the server takes for user 1) until `pg_advisory_unlock_all`:
/// her next saves wait for it.
async fn server_with_her_lock_held(url: &str) -> (Server, sqlx::PgConnection) {
    let s = Server::start(url);
    let r = s.post_json("/api/v1/checkins", &json!({"pain": 2})).await;
    assert_eq!(r.status().as_u16(), 201);
    let mut holder = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_lock(1)) AS l")
        .execute(&mut holder)
        .await
        .unwrap();
    (s, holder)
}

/// A client that hangs up while its check-in waits for the user's write lock must leave
/// nothing behind: no session stuck inside a transaction (holding the lock), and later writes
/// go through at once.
#[tokio::test]
async fn a_write_abandoned_while_waiting_for_the_lock_leaves_no_transaction_open() {
    let Some(db) = TestDb::postgres("abandoned-write").await else {
        return;
    };
    // Another session holds the local user's lock, so the server's BEGIN waits for it.
    let (s, mut holder) = server_with_her_lock_held(&db.url).await;
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    for n in 0..4 {
        let sent = impatient
            .post(s.url("/api/v1/checkins"))
            .json(&json!({"date": days_ago(n + 1), "pain": 4}))
            .send()
            .await;
        assert!(sent.is_err(), "the request gave up while the lock was held");
    }
    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut holder)
        .await
        .unwrap();
    // Sessions that were waiting for the lock finish their rollback; none may stay inside a
    // transaction (waited for, not slept on: within 10 s every one must have left).
    let mut stuck = -1i64;
    for _ in 0..500 {
        stuck = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND (state LIKE 'idle in transaction%' OR wait_event_type = 'Lock')",
        )
        .fetch_one(&mut holder)
        .await
        .unwrap();
        if stuck == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(stuck, 0, "no server session is left inside a transaction");
    // Writes for the same user go through, not stuck behind a forgotten lock (the timeout
    // turns such a hang into a failure).
    let writes = async {
        for n in 0..8 {
            let r = s
                .post_json("/api/v1/checkins", &json!({"date": days_ago(n), "pain": 3}))
                .await;
            assert!(r.status().is_success(), "{}", r.status());
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), writes)
        .await
        .expect("writes waited on a lock nobody holds");
    holder.close().await.ok();
}

/// One user's saves waiting for her lock must not take the whole connection pool: while they
/// wait, other requests (another user's, a health check) still reach the database.
#[tokio::test]
async fn saves_waiting_for_one_user_s_lock_leave_the_pool_to_everyone_else() {
    let Some(db) = TestDb::postgres("pool-fairness").await else {
        return;
    };
    // Another session holds the local user's lock: her saves queue behind it.
    let (s, mut holder) = server_with_her_lock_held(&db.url).await;
    // More waiting saves than the server has connections (16).
    let saves: Vec<_> = (0..24)
        .map(|n| {
            let client = s.client.clone();
            let url = s.url("/api/v1/checkins");
            tokio::spawn(async move {
                let body = json!({"date": days_ago(n + 1), "pain": 4});
                client.post(&url).json(&body).send().await.unwrap().status()
            })
        })
        .collect();
    // Wait until the saves hold what they can: every one this server lets wait for the lock
    // is waiting in PostgreSQL (the in-process gate lets one per user stripe through).
    let mut waiting = 0i64;
    for _ in 0..500 {
        waiting = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
        )
        .fetch_one(&mut holder)
        .await
        .unwrap();
        if waiting >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(waiting >= 1, "a save is waiting for her lock");
    let quick = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()
        .unwrap();
    let health = quick
        .get(s.url("/healthz"))
        .send()
        .await
        .expect("the health check got a connection while her saves waited");
    assert_eq!(health.status().as_u16(), 200);

    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut holder)
        .await
        .unwrap();
    for save in saves {
        assert!(save.await.unwrap().is_success());
    }
    holder.close().await.ok();
}
