//! The reference service on 127.0.0.1 and a free port, for the tests over
//! real HTTP: one way to start and stop it, whatever each test asks of it.

use std::sync::Arc;
use std::thread::JoinHandle;

use incident_service::{Auth, Service};

/// The service behind `auth`, on its own runtime (with timers, which the
/// limits need), stopped when dropped.
pub struct Running {
    /// `127.0.0.1:PORT`, for a raw TCP client.
    pub addr: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    pub fn start(service: Arc<Service>, auth: Auth) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let shutdown = async move {
                    let _ = stopped.await;
                };
                incident_service::serve_with(listener, service, auth, shutdown)
                    .await
                    .unwrap();
            });
        });
        Running {
            addr,
            stop: Some(stop),
            thread: Some(thread),
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
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
