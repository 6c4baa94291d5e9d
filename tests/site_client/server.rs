//! A scripted HTTP/1.1 server on 127.0.0.1: one canned action per connection, every request
//! head captured for the test to inspect.

use serde_json::json;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{EMAIL, TOKEN};
use offboard::atlassian::{ClientConfig, Site, SiteClient};
use offboard::vault::ApiToken;

/// Upper bound for any one connection's life in the server, so no test task outlives its test.
pub const HOLD_LIMIT: Duration = Duration::from_secs(20);
/// Most connections one scripted server accepts.
const MAX_CONNECTIONS: usize = 64;

/// What the server does with one connection (one request: replies carry `Connection: close`).
pub enum Action {
    /// Write these bytes, then close.
    Reply(Vec<u8>),
    /// Read the request and never answer.
    Silent,
    /// Read the request, then close without a word.
    Hangup,
    /// Answer 400 with a body that names the Authorization header it received.
    EchoAuth,
    /// Promise a 100 MB body, send 1 MB of it, then wait for the client to hang up.
    Giant,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query(&self, key: &str) -> Vec<String> {
        let url = url::Url::parse(&format!("http://x{}", self.target)).unwrap();
        url.query_pairs()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
    }
}

pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<Mutex<usize>>,
    pub giant_closed: Arc<watch::Sender<bool>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(script: Vec<Action>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let giant_closed = Arc::new(watch::Sender::new(false));
        let (s, c, g) = (seen.clone(), connections.clone(), giant_closed.clone());
        let task = tokio::spawn(async move {
            let mut script: VecDeque<Action> = script.into();
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                *c.lock().unwrap() += 1;
                let action = script
                    .pop_front()
                    .unwrap_or_else(|| Action::Reply(reply(500, &[], "script exhausted")));
                tokio::spawn(serve(stream, action, s.clone(), g.clone()));
            }
        });
        Server {
            addr,
            seen,
            connections,
            giant_closed,
            task,
        }
    }

    pub fn site(&self) -> Site {
        Site::parse(&format!("http://{}", self.addr)).unwrap()
    }

    pub fn client(&self, config: ClientConfig) -> SiteClient {
        SiteClient::new(self.site(), EMAIL, ApiToken::new(TOKEN), config).unwrap()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

async fn serve(
    mut stream: TcpStream,
    action: Action,
    seen: Arc<Mutex<Vec<Seen>>>,
    giant_closed: Arc<watch::Sender<bool>>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let auth = request.header("authorization").unwrap_or("").to_owned();
    seen.lock().unwrap().push(request);
    match action {
        Action::Reply(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Action::Silent => {
            let _ = tokio::time::timeout(HOLD_LIMIT, wait_for_close(&mut stream)).await;
        }
        Action::Hangup => drop(stream),
        Action::EchoAuth => {
            let body = json!({ "errorMessages": [format!("You sent {auth} as {TOKEN}")] });
            let bytes = reply(400, &[], &body.to_string());
            let _ = stream.write_all(&bytes).await;
        }
        Action::Giant => {
            let head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n";
            let mut bytes = head.as_bytes().to_vec();
            bytes.extend_from_slice(br#"{"errorMessages":[""#);
            bytes.resize(bytes.len() + (1 << 20), b'x');
            let _ = stream.write_all(&bytes).await;
            let closed = tokio::time::timeout(HOLD_LIMIT, wait_for_close(&mut stream)).await;
            giant_closed.send_replace(closed.is_ok());
        }
    }
}

/// Reads one request head (no request here carries a body).
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Seen {
        method,
        target,
        headers,
    })
}

/// Returns once the client closes its side (reads are bounded by the caller's timeout).
async fn wait_for_close(stream: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            return;
        }
    }
}

pub fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

pub fn json_reply(status: u16, body: serde_json::Value) -> Action {
    Action::Reply(reply(
        status,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    ))
}
