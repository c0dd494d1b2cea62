//! `GET /metrics` in the OpenMetrics text format (which Prometheus reads): requests by route
//! and status, their latency, the database pool, check-ins saved and their findings by level,
//! and the kept views. Counts of the server's own work only, nothing of anyone's data: a
//! route is its pattern (`/api/v1/plan/{date}`), never the address asked.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use keel_core::triage::TriageResult;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LevelLabels {
    level: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 4 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// The server's own counts, shared by every request (each family is reference-counted).
#[derive(Debug)]
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    check_ins: Counter,
    findings: Family<LevelLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            check_ins: Counter::default(),
            findings: Family::default(),
        }
    }
}

impl Metrics {
    /// A check-in saved through the server, with each of its findings counted by level.
    pub fn check_in_saved(&self, triage: &TriageResult) {
        self.check_ins.inc();
        for f in &triage.findings {
            self.findings
                .get_or_create(&LevelLabels {
                    level: f.level.name().to_string(),
                })
                .inc();
        }
    }
}

/// Middleware: counts each answer by method, route and status, and times it by route.
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    m.latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// What the server reports about itself beside its own counts.
pub struct Gauges {
    /// Pool connections open, and of those idle.
    pub pool: (u32, usize),
    /// Views served as kept, and worked out afresh.
    pub views: (u64, u64),
    /// Bytes of the kept views.
    pub view_bytes: u64,
}

/// The metrics as OpenMetrics text.
pub fn encode_text(m: &Metrics, gauges: Gauges) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    registry.register(
        "keel_http_requests",
        "Requests answered, by method, route and status",
        m.requests.clone(),
    );
    registry.register(
        "keel_http_request_duration_seconds",
        "Time to answer, by route",
        m.latency.clone(),
    );
    registry.register(
        "keel_check_ins_saved",
        "Check-ins saved through this server",
        m.check_ins.clone(),
    );
    registry.register(
        "keel_findings",
        "Triage findings of the check-ins saved, by level",
        m.findings.clone(),
    );
    let (size, idle) = gauges.pool;
    registry.register(
        "keel_db_pool_connections",
        "Database connections open in the pool",
        ConstGauge::new(i64::from(size)),
    );
    registry.register(
        "keel_db_pool_idle_connections",
        "Database connections open and idle",
        ConstGauge::new(i64::try_from(idle).unwrap_or(i64::MAX)),
    );
    let (kept, worked_out) = gauges.views;
    registry.register(
        "keel_views_kept",
        "Pages and plans served as kept from an earlier request",
        ConstCounter::new(kept),
    );
    registry.register(
        "keel_views_worked_out",
        "Pages and plans worked out afresh from her data",
        ConstCounter::new(worked_out),
    );
    registry.register(
        "keel_view_cache_bytes",
        "Estimated bytes of the kept views",
        ConstGauge::new(i64::try_from(gauges.view_bytes).unwrap_or(i64::MAX)),
    );
    let mut body = String::new();
    encode(&mut body, &registry)?;
    Ok(body)
}
