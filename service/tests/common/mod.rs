//! The reference service on 127.0.0.1 and a free port, for the tests over
//! real HTTP: one way to start and stop it, whatever each test asks of it.

use std::sync::{Arc, LazyLock};

use incident_service::{Auth, Service};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

/// The runtime the tests' services are opened and served on (with timers,
/// which the limits need): the store's pool and its connections live on
/// the runtime that opened them.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
    &RUNTIME
}

/// `future` run to its end on [`runtime`], from a test's own thread.
pub fn block<T>(future: impl std::future::Future<Output = T>) -> T {
    runtime().block_on(future)
}

/// The service behind `auth`, served on a runtime of its own (its store
/// opened on [`runtime`]), stopped when dropped.
pub struct Running {
    /// `127.0.0.1:PORT`, for a raw TCP client.
    pub addr: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    runtime: Option<Runtime>,
}

impl Running {
    pub fn start(service: Arc<Service>, auth: Auth) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // A runtime of its own, as a service process has: the requests of
        // other tests do not queue behind it.
        let own = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let task = own.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let shutdown = async move {
                let _ = stopped.await;
            };
            incident_service::serve_with(listener, service, auth, shutdown)
                .await
                .unwrap();
        });
        Running {
            addr,
            stop: Some(stop),
            task: Some(task),
            runtime: Some(own),
        }
    }

    /// The URL of `path` on the running service (`""` for its base).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let (Some(task), Some(runtime)) = (self.task.take(), self.runtime.take()) {
            let _ = runtime.block_on(task);
            runtime.shutdown_background();
        }
    }
}

/// `test` run on a service with the default playbook over a fresh SQLite
/// file named after `name`, removed afterwards. Only the suites that run
/// the same test on each backend use it.
#[allow(dead_code)]
pub fn on_sqlite(name: &str, test: impl FnOnce(Arc<Service>)) {
    let path = std::env::temp_dir().join(format!("incident-{name}-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    test(
        block(Service::sqlite(
            incident_playbook::Playbook::default(),
            &path,
        ))
        .unwrap(),
    );
    let _ = std::fs::remove_file(&path);
}

/// `test` run on a service with the default playbook over a database
/// named `name` on a throwaway PostgreSQL server.
#[allow(dead_code)]
pub fn on_postgres(name: &str, test: impl FnOnce(Arc<Service>)) {
    let server =
        incident_store::throwaway::PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
    let params = server.create_database(name).unwrap();
    test(
        block(Service::postgres(
            incident_playbook::Playbook::default(),
            &params,
        ))
        .unwrap(),
    );
}
