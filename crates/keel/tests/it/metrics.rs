//! `/metrics`: what an operator scrapes, in the OpenMetrics text Prometheus reads.

use serde_json::json;

use crate::helpers::{Server, both_backends};

/// The value of the sample line that starts with `series` (labels included), if any.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

both_backends! {
    async fn metrics_count_requests_by_route_and_status_check_ins_and_findings(db: &TestDb) {
        let s = Server::start(&db.url);
        assert_eq!(s.get("/").await.status().as_u16(), 200);
        assert_eq!(s.get("/api/v1/plan/2026-11-20").await.status().as_u16(), 404);
        assert_eq!(s.get("/no/such/page").await.status().as_u16(), 404);
        let r = s
            .post_json("/api/v1/checkins", &json!({"pain": 4, "night_pain": true, "fever": true}))
            .await;
        assert_eq!(r.status().as_u16(), 201);
        let r = s.get("/metrics").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
        let text = r.text().await.unwrap();
        assert!(text.trim_end().ends_with("# EOF"), "{text}");
        for (series, value) in [
            (r#"keel_http_requests_total{method="GET",route="/",status="200"}"#, 1.0),
            (r#"keel_http_requests_total{method="GET",route="/api/v1/plan/{date}",status="404"}"#, 1.0),
            (r#"keel_http_requests_total{method="GET",route="unmatched",status="404"}"#, 1.0),
            (r#"keel_http_requests_total{method="POST",route="/api/v1/checkins",status="201"}"#, 1.0),
            (r#"keel_http_request_duration_seconds_count{route="/api/v1/checkins"}"#, 1.0),
            ("keel_check_ins_saved_total", 1.0),
            (r#"keel_findings_total{level="urgent"}"#, 2.0),
        ] {
            assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
        }
        assert!(sample(&text, "keel_db_pool_connections").is_some_and(|n| n >= 1.0), "{text}");
        assert!(sample(&text, "keel_db_pool_idle_connections").is_some(), "{text}");
        // Routes are patterns: no date, no address she asked for, no data of hers.
        assert!(!text.contains("2026-11-20") && !text.contains("/no/such/page"), "{text}");
    }
}
