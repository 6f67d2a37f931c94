//! What a client may cost the service: how long a request may take, how
//! many are served at once, how large a body may be, how far ahead of the
//! server's clock a command may be dated, and how many store connections
//! are open. Each limit refuses in the one refusal shape
//! ([`crate::refusal`]); every request is logged, one line each.

use std::time::{Duration, Instant};

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::answer::refusal;
use incident_store::PoolLimits;

/// The service's limits; [`Limits::default`] gives the values
/// `incident-service` starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a request may take, its body read included: a slower one
    /// is answered 408 (default 30 s).
    pub request_timeout: Duration,
    /// How long a client may take to send a request's headers: a connection
    /// that has not sent them by then is closed (default 10 s).
    pub header_timeout: Duration,
    /// How many requests are served at once: one more is answered 503 with
    /// `Retry-After` at once rather than queued (default 64).
    pub max_in_flight: usize,
    /// The largest request body, in bytes: a larger one is answered 413
    /// (default 1 MiB).
    pub max_body: usize,
    /// How far after the server's clock a command may be dated (default
    /// 2 minutes; `recorded-in-the-future`).
    pub max_skew: Duration,
    /// The store's connection pool.
    pub pool: PoolLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_in_flight: 64,
            max_body: 1024 * 1024,
            max_skew: incident_playbook::Receiver::DEFAULT_MAX_SKEW,
            pool: PoolLimits::default(),
        }
    }
}

/// How many seconds a client shed with 503 is told to wait.
const RETRY_AFTER_SECS: &str = "1";

/// `routes` behind the limits: load shed past `max_in_flight`, then the
/// request timeout, then the body limit (both the declared length and what
/// arrives are counted).
pub(crate) fn limited(routes: Router, limits: &Limits) -> Router {
    // One layer of the router, not one each: every layer of a router is a
    // service of its own, cloned and boxed for every request.
    routes.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(shed))
            .load_shed()
            // Global: one count for every route (the plain layer would
            // count each route apart).
            .layer(GlobalConcurrencyLimitLayer::new(
                limits.max_in_flight.max(1),
            ))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                limits.request_timeout,
            ))
            // The body limit's answers (its own body type) as axum's.
            .map_response(IntoResponse::into_response)
            .layer(RequestBodyLimitLayer::new(limits.max_body))
            .layer(DefaultBodyLimit::max(limits.max_body)),
    )
}

/// The answer to a request shed because `max_in_flight` are being served.
async fn shed(error: tower::BoxError) -> Response {
    tracing::warn!(%error, "request shed");
    let mut answer = refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        "overloaded",
        "the service is serving as many requests as it takes: retry later",
    );
    answer.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECS),
    );
    answer
}

/// Every answer that is not JSON made into the refusal shape, and one log
/// line per request (method, URI, status, latency; at ERROR for a 5xx).
pub(crate) fn observed(app: Router) -> Router {
    app.layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(log_request))
            .layer(axum::middleware::map_response(crate::answer::json_refusals)),
    )
}

/// The request's log line, once its answer is ready: one event and no
/// span. tower-http's `TraceLayer` made a span per request (its fields
/// formatted and kept in the registry) and an event inside it, about 9% of
/// a command's instructions; this line says the same in one event.
async fn log_request(request: Request, next: axum::middleware::Next) -> Response {
    let start = Instant::now();
    // Both cheap to keep: the method is an enum, the URI shares its bytes.
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = next.run(request).await;
    let latency_us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    if response.status().is_server_error() {
        tracing::error!(%method, %uri, status, latency_us, "request failed");
    } else {
        tracing::info!(%method, %uri, status, latency_us, "request");
    }
    response
}

/// Serves `app` on `listener` until `shutdown` completes, closing any
/// connection that has not sent a request's headers within `header_timeout`
/// (a half-open request holds nothing for long).
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // An answer goes out in one write; Nagle's algorithm
                    // could hold a later one for the client's delayed ACK.
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::debug!(%error, "TCP_NODELAY not set");
                    }
                    stream
                }
                Err(error) => {
                    // Out of descriptors, say: wait rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request| {
            tower::ServiceExt::oneshot(app.clone(), request)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection closed");
            }
        });
    }
    graceful.shutdown().await;
    Ok(())
}
