//! The listening side: accept loop, one task per keep-alive connection, shutdown; plain http,
//! or https when started with a certificate (tls.rs).

use super::config::{Faults, PracticeConfig};
use super::handler::serve;
use super::state::{RecordedRequest, SiteState};
use super::PracticeError;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

#[path = "tls.rs"]
mod tls;

/// A running practice site. Clones share the same server; it stops on `shutdown`, or when the
/// last clone is dropped.
#[derive(Clone)]
pub struct PracticeSite {
    inner: Arc<Inner>,
}

struct Inner {
    state: Arc<SiteState>,
    url: String,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        if let Some(task) = self.task.lock().ok().and_then(|mut t| t.take()) {
            task.abort();
        }
    }
}

impl std::fmt::Debug for PracticeSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PracticeSite")
            .field("url", &self.inner.url)
            .finish_non_exhaustive()
    }
}

impl PracticeSite {
    /// Starts a site on 127.0.0.1 with a free port chosen by the system.
    pub async fn start(config: PracticeConfig) -> Result<PracticeSite, PracticeError> {
        PracticeSite::start_on(config, 0).await
    }

    /// Starts a site on 127.0.0.1:`port` (0 = any free port).
    pub async fn start_on(
        config: PracticeConfig,
        port: u16,
    ) -> Result<PracticeSite, PracticeError> {
        PracticeSite::listen(config, port, None).await
    }

    /// Starts a site over https on 127.0.0.1 with a free port, presenting `cert_pem` (leaf
    /// first, then any intermediates) with `key_pem`: the same routes as [`PracticeSite::start`].
    pub async fn start_tls(
        config: PracticeConfig,
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<PracticeSite, PracticeError> {
        PracticeSite::start_tls_on(config, 0, cert_pem, key_pem).await
    }

    /// Like [`PracticeSite::start_tls`], on 127.0.0.1:`port` (0 = any free port).
    pub async fn start_tls_on(
        config: PracticeConfig,
        port: u16,
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<PracticeSite, PracticeError> {
        let acceptor = tls::acceptor(cert_pem, key_pem)?;
        PracticeSite::listen(config, port, Some(acceptor)).await
    }

    async fn listen(
        config: PracticeConfig,
        port: u16,
        tls: Option<TlsAcceptor>,
    ) -> Result<PracticeSite, PracticeError> {
        config.validate()?;
        // Read before listening, so a site that cannot remember never answers anyone.
        let removals = match &config.removals_file {
            Some(path) => Some(super::removals::RemovalLog::open(path)?),
            None => None,
        };
        let org_changes = super::org::open_changes(&config)?;
        let addr = format!("127.0.0.1:{port}");
        let bind_error = |source| PracticeError::Bind {
            addr: addr.clone(),
            source,
        };
        let listener = TcpListener::bind(&addr).await.map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{}", local.port());
        let state = Arc::new(SiteState::new(config, url.clone(), removals, org_changes));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, tls, Arc::clone(&state), stopped));
        Ok(PracticeSite {
            inner: Arc::new(Inner {
                state,
                url,
                stop,
                task: Mutex::new(Some(task)),
            }),
        })
    }

    /// The base URL, `http://127.0.0.1:PORT` (`https://` when started with a certificate).
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The shared state, for the organization's accessors (org/inspect.rs).
    pub(crate) fn state(&self) -> &SiteState {
        &self.inner.state
    }

    /// Every request seen so far, in arrival order.
    pub fn record(&self) -> Vec<RecordedRequest> {
        self.inner.state.record()
    }

    /// How many site DELETE requests (`/rest/api/*/user`, not the organization's) arrived for
    /// this account id, whatever was answered.
    pub fn deletes_of(&self, account_id: &str) -> usize {
        self.inner.state.deletes_of(account_id)
    }

    /// True while the site still holds this account.
    pub fn exists(&self, account_id: &str) -> bool {
        self.inner.state.live().users.contains_key(account_id)
    }

    /// How many accounts the site still holds (the caller included).
    pub fn remaining_users(&self) -> usize {
        self.inner.state.live().users.len()
    }

    /// How many deletes were actually applied (including those whose reply was lost).
    pub fn applied_deletes(&self) -> u64 {
        self.inner.state.live().applied_deletes
    }

    /// Replaces the fault knobs from the next DELETE on.
    pub fn set_faults(&self, faults: Faults) {
        self.inner.state.live().faults = faults;
    }

    /// Changes the DELETE rate with a fresh, full bucket (burst as configured, or
    /// `max(1, rate)`); `None`, or a rate that is not a positive number, removes the limit. The
    /// organization API's bucket (every `/admin/` request) gets the same new rate.
    pub fn set_rate(&self, rate_per_sec: Option<f64>) {
        self.inner.state.set_rate(rate_per_sec);
    }

    /// Stops listening, closes every connection, and returns once the server is gone.
    pub async fn shutdown(self) {
        // Ignored error: the accept loop already ended, which is what we want.
        let _ = self.inner.stop.send(true);
        let task = self.inner.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            // Ignored error: a cancelled or panicked loop is stopped all the same.
            let _ = task.await;
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<SiteState>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) only loses that connection.
                if let Ok((stream, _)) = accepted {
                    let (state, stopped) = (Arc::clone(&state), stopped.clone());
                    match tls.clone() {
                        None => connections.spawn(connection(stream, state, stopped)),
                        Some(tls) => connections.spawn(tls_connection(tls, stream, state, stopped)),
                    };
                }
            }
            // Reap finished connection tasks so the set does not grow for ever.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// The TLS handshake in the connection's own task, so a slow or refusing client (one that does
/// not trust the certificate) holds up nobody else; a failed handshake just closes the socket.
async fn tls_connection(
    tls: TlsAcceptor,
    stream: tokio::net::TcpStream,
    state: Arc<SiteState>,
    mut stopped: watch::Receiver<bool>,
) {
    let stream = tokio::select! {
        accepted = tls.accept(stream) => match accepted {
            Ok(stream) => stream,
            Err(_) => return,
        },
        _ = stopped.changed() => return,
    };
    connection(stream, state, stopped).await;
}

async fn connection<S>(stream: S, state: Arc<SiteState>, mut stopped: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = Arc::clone(&kill);
        service_fn(move |req| serve(Arc::clone(&state), Arc::clone(&kill), req))
    };
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    // Returning drops `conn`, which closes the socket: that is how a reply is "dropped".
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
        _ = stopped.changed() => {}
    }
}
