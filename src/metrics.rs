//! The service's metrics in the Prometheus text format, served at `/metrics`.
//!
//! Events are counted as they happen (requests, uploads, transitions); what other parts keep
//! themselves (cache counters, the database pool, the notification backlog) is read when
//! scraped and passed in as a [`Snapshot`]. Every label has a closed set of values: requests
//! are labelled by their route *pattern* (`/api/v1/applications/{id}`), never the raw path.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::Ordering;

/// The `Content-Type` of the exposition.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Upper bounds of the request latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    action: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Values read at scrape time from the parts that keep them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    pub glyph_cache_hits: u64,
    pub glyph_cache_misses: u64,
    pub preview_cache_hits: u64,
    /// Previews drawn (not served from the cache).
    pub previews_rendered: u64,
    pub db_pool_connections: u32,
    pub db_pool_idle: u32,
    pub db_pool_max: u32,
    /// The notification backlog; `None` when the database could not be asked.
    pub notifications: Option<Backlog>,
}

/// Notifications not delivered yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backlog {
    pub pending: i64,
    pub failing: i64,
    pub dead: i64,
}

/// Counters of what happened, and the gauges filled from a [`Snapshot`] at each scrape.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    uploads: Counter,
    upload_bytes: Counter,
    transitions: Family<ActionLabels, Counter>,
    glyph_hits: Counter,
    glyph_misses: Counter,
    preview_hits: Counter,
    previews_rendered: Counter,
    pool: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    notifications: Family<StateLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("signboard"),
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            uploads: Counter::default(),
            upload_bytes: Counter::default(),
            transitions: Family::default(),
            glyph_hits: Counter::default(),
            glyph_misses: Counter::default(),
            preview_hits: Counter::default(),
            previews_rendered: Counter::default(),
            pool: Family::default(),
            pool_max: Gauge::default(),
            notifications: Family::default(),
        };
        m.register();
        m
    }

    fn register(&mut self) {
        let r = &mut self.registry;
        r.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            self.requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Time from the request's arrival to its answer, by route pattern, method and status",
            self.latency.clone(),
        );
        r.register(
            "uploads",
            "Design images stored with a committed application or revision",
            self.uploads.clone(),
        );
        r.register(
            "upload_bytes",
            "Bytes of the design images counted in signboard_uploads_total (as sent)",
            self.upload_bytes.clone(),
        );
        r.register(
            "workflow_transitions",
            "Committed workflow transitions, by action (a new submission counts as submit)",
            self.transitions.clone(),
        );
        self.register_snapshot_metrics();
    }

    fn register_snapshot_metrics(&mut self) {
        let r = &mut self.registry;
        r.register(
            "glyph_cache_hits",
            "Rasterized glyphs served from the glyph cache",
            self.glyph_hits.clone(),
        );
        r.register(
            "glyph_cache_misses",
            "Glyphs rasterized because the cache did not hold them",
            self.glyph_misses.clone(),
        );
        r.register(
            "preview_cache_hits",
            "Preview pictures served from the preview cache",
            self.preview_hits.clone(),
        );
        r.register(
            "previews_rendered",
            "Preview pictures drawn (not from the cache)",
            self.previews_rendered.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database pool connections by state (idle, in_use)",
            self.pool.clone(),
        );
        r.register(
            "db_pool_max_connections",
            "Largest number of connections the pool opens",
            self.pool_max.clone(),
        );
        r.register(
            "notifications",
            "Notifications not delivered, by state (pending includes failing; dead: gave up)",
            self.notifications.clone(),
        );
    }

    /// One answered request: `route` is the matched pattern, or `unmatched`.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status: status.to_string(),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// Design images stored with a committed row.
    pub fn uploads(&self, files: u64, bytes: u64) {
        self.uploads.inc_by(files);
        self.upload_bytes.inc_by(bytes);
    }

    /// A committed workflow transition; `action` is from the closed set of actions.
    pub fn transition(&self, action: &str) {
        self.transitions
            .get_or_create(&ActionLabels {
                action: action.to_owned(),
            })
            .inc();
    }

    /// The exposition, with `snapshot`'s values.
    pub fn render(&self, snapshot: &Snapshot) -> String {
        // Counters kept elsewhere are copied in: they only ever rise there too.
        for (counter, value) in [
            (&self.glyph_hits, snapshot.glyph_cache_hits),
            (&self.glyph_misses, snapshot.glyph_cache_misses),
            (&self.preview_hits, snapshot.preview_cache_hits),
            (&self.previews_rendered, snapshot.previews_rendered),
        ] {
            counter.inner().store(value, Ordering::Relaxed);
        }
        let idle = i64::from(snapshot.db_pool_idle);
        let in_use = i64::from(snapshot.db_pool_connections) - idle;
        self.pool_state("idle").set(idle);
        self.pool_state("in_use").set(in_use.max(0));
        self.pool_max.set(i64::from(snapshot.db_pool_max));
        if let Some(b) = snapshot.notifications {
            for (state, n) in [
                ("pending", b.pending),
                ("failing", b.failing),
                ("dead", b.dead),
            ] {
                self.notifications
                    .get_or_create(&StateLabels {
                        state: state.into(),
                    })
                    .set(n);
            }
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }

    fn pool_state(&self, state: &str) -> Gauge {
        self.pool.get_or_create_owned(&StateLabels {
            state: state.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_pattern_and_status() {
        let m = Metrics::new();
        m.request("GET", "/api/v1/applications/{id}", 200, 0.003);
        m.request("GET", "/api/v1/applications/{id}", 200, 0.3);
        m.request("GET", "/api/v1/applications/{id}", 404, 0.001);
        let text = m.render(&Snapshot::default());
        assert!(text.contains(
            "signboard_http_requests_total{method=\"GET\",route=\"/api/v1/applications/{id}\",status=\"200\"} 2\n"
        ), "{text}");
        assert!(text.contains(
            "signboard_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/api/v1/applications/{id}\",status=\"200\"} 1\n"
        ) || text.contains(
            "signboard_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/applications/{id}\",status=\"200\",le=\"0.005\"} 1\n"
        ), "{text}");
        assert!(text.contains("# TYPE signboard_http_request_duration_seconds histogram"));
    }

    #[test]
    fn snapshot_values_are_exposed() {
        let m = Metrics::new();
        m.uploads(2, 1500);
        m.transition("approve");
        let text = m.render(&Snapshot {
            glyph_cache_hits: 7,
            db_pool_connections: 3,
            db_pool_idle: 1,
            db_pool_max: 10,
            notifications: Some(Backlog {
                pending: 4,
                failing: 1,
                dead: 0,
            }),
            ..Snapshot::default()
        });
        for line in [
            "signboard_uploads_total 2",
            "signboard_upload_bytes_total 1500",
            "signboard_workflow_transitions_total{action=\"approve\"} 1",
            "signboard_glyph_cache_hits_total 7",
            "signboard_db_pool_connections{state=\"in_use\"} 2",
            "signboard_db_pool_connections{state=\"idle\"} 1",
            "signboard_db_pool_max_connections 10",
            "signboard_notifications{state=\"pending\"} 4",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
        }
    }
}
