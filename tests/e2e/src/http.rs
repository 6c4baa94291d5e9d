//! A tiny HTTP/1.1 GET over loopback (driver status, practice site look-ups).

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// GETs `url` (with Basic credentials when given); `(status, body)`; bounded to 10 s.
pub async fn get(url: &str, basic: Option<(&str, &str)>) -> Result<(u16, String), String> {
    let client: Client<HttpConnector, Empty<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let mut req = http::Request::get(url)
        .body(Empty::new())
        .map_err(|e| format!("GET {url}: {e}"))?;
    if let Some((user, password)) = basic {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        req.headers_mut().insert(
            "authorization",
            format!("Basic {token}")
                .parse()
                .map_err(|e| format!("{e}"))?,
        );
    }
    let fetch = async {
        let resp = client.request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    };
    tokio::time::timeout(Duration::from_secs(10), fetch)
        .await
        .map_err(|_| format!("GET {url}: no answer within 10 s"))?
}
