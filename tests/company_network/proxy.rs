//! A small CONNECT proxy on 127.0.0.1, like a company's: it reads the CONNECT request, records
//! it and every byte the client sends afterwards, and tunnels to the practice site whatever
//! host was asked for, so no test ever leaves this computer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Most bytes of a CONNECT request head; a real one is a few hundred.
const HEAD_LIMIT: usize = 16 * 1024;

/// What the proxy read from its clients.
#[derive(Default)]
pub struct Seen {
    /// The request line of every CONNECT, e.g. `CONNECT host:443 HTTP/1.1`.
    pub connects: Vec<String>,
    /// Every byte read from clients: request heads and tunnelled (encrypted) traffic.
    pub bytes: Vec<u8>,
}

/// A running proxy; stops when dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Seen>>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// Starts a proxy that tunnels every CONNECT to 127.0.0.1:`site_port`.
    pub async fn start(site_port: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let record = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            let mut tunnels = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                tunnels.spawn(tunnel(client, site_port, Arc::clone(&record)));
            }
        });
        Proxy { addr, seen, task }
    }

    /// `http://127.0.0.1:PORT`, as HTTPS_PROXY takes it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The CONNECT lines seen so far.
    pub fn connects(&self) -> Vec<String> {
        self.seen.lock().unwrap().connects.clone()
    }

    /// Every byte read from clients so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.seen.lock().unwrap().bytes.clone()
    }
}

async fn tunnel(mut client: TcpStream, site_port: u16, seen: Arc<Mutex<Seen>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    // The client sends nothing more until it has our answer, so the head is all there is.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > HEAD_LIMIT {
            return;
        }
    }
    let line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    {
        let mut seen = seen.lock().unwrap();
        seen.connects.push(line.clone());
        seen.bytes.extend_from_slice(&head);
    }
    if !line.starts_with("CONNECT ") {
        let _ = client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let Ok(mut site) = TcpStream::connect(("127.0.0.1", site_port)).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    let (mut from_client, mut to_client) = client.split();
    let (mut from_site, mut to_site) = site.split();
    let upstream = async {
        loop {
            match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen.lock().unwrap().bytes.extend_from_slice(&buf[..n]);
                    if to_site.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_site.shutdown().await;
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut from_site, &mut to_client).await;
        let _ = to_client.shutdown().await;
    };
    tokio::join!(upstream, downstream);
}
