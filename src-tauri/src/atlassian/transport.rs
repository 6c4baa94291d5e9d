//! What both clients (site and organization) share about the wire: the proxy a request will
//! go through, named for messages, and reading a reply's body with a cap (a giant gateway
//! page cannot fill memory; a connection that breaks mid-body is reported, not hidden).

/// The proxy reqwest will use for `base_url`: the same matcher (environment first, then the
/// system settings) that reqwest's default proxy uses, so messages name the right address.
pub(crate) fn proxy_for(base_url: &str) -> Option<String> {
    let uri: hyper::Uri = base_url.parse().ok()?;
    let matcher = hyper_util::client::proxy::matcher::Matcher::from_system();
    let proxy = matcher.intercept(&uri)?;
    let proxy = proxy.uri();
    let host = proxy.host()?;
    // Built from parts, so a user name or password in the setting never reaches a message.
    let port = proxy
        .port_u16()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    Some(format!(
        "{}://{host}{port}",
        proxy.scheme_str().unwrap_or("http")
    ))
}

/// The body read so far: its bytes, whether the cap cut it short, and the error that broke it.
pub(crate) struct Body {
    /// At most the cap's worth of bytes.
    pub(crate) bytes: Vec<u8>,
    /// True when the body was longer than the cap.
    pub(crate) truncated: bool,
    /// Set when the connection failed before the body ended.
    pub(crate) error: Option<reqwest::Error>,
}

/// Reads `response`'s body up to `limit` bytes. Bounded by `limit` (every chunk holds data)
/// and by the request's timeout.
pub(crate) async fn read_capped(response: &mut reqwest::Response, limit: usize) -> Body {
    let mut body = Body {
        bytes: Vec::new(),
        truncated: false,
        error: None,
    };
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - body.bytes.len();
                if chunk.len() > room {
                    body.bytes.extend_from_slice(&chunk[..room]);
                    body.truncated = true;
                    return body;
                }
                body.bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return body,
            Err(err) => {
                body.error = Some(err);
                return body;
            }
        }
    }
}

/// A reply as read: the status, headers and (capped, lossy UTF-8, redacted) body text.
pub(crate) struct Reply {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The reply's headers.
    pub(crate) headers: reqwest::header::HeaderMap,
    /// The body as text, with the credentials redacted.
    pub(crate) body: String,
    /// The body was longer than the limit and was cut.
    pub(crate) truncated: bool,
    /// The connection failed while the body was being read.
    pub(crate) body_failure: Option<(super::TransportKind, String)>,
}

/// How one client names a failure and hides its credentials, for [`exchange`].
pub(crate) trait Wire {
    /// The kind of failure and the words for it (credentials already redacted).
    fn failure(&self, err: &reqwest::Error) -> (super::TransportKind, String);
    /// `text` with the client's credentials replaced by `[redacted]`.
    fn redact(&self, text: String) -> String;
}

/// Sends `request` and reads its reply, the body capped at `big_limit` for a successful read
/// (`big` true: a page of users) and at the error limit otherwise; no reply is its kind and
/// the words for it.
pub(crate) async fn exchange(
    wire: &impl Wire,
    request: reqwest::RequestBuilder,
    method: &reqwest::Method,
    path: &str,
    big: bool,
) -> Result<Reply, (super::TransportKind, String)> {
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            let failure = wire.failure(&err);
            tracing::debug!(%method, %path, kind = ?failure.0, "no reply");
            return Err(failure);
        }
    };
    let status = response.status().as_u16();
    tracing::debug!(%method, %path, status, "reply");
    let headers = std::mem::take(response.headers_mut());
    let limit = if big && (200..300).contains(&status) {
        super::JSON_BODY_LIMIT
    } else {
        super::ERROR_BODY_LIMIT
    };
    let read = read_capped(&mut response, limit).await;
    Ok(Reply {
        status,
        headers,
        body: wire.redact(String::from_utf8_lossy(&read.bytes).into_owned()),
        truncated: read.truncated,
        body_failure: read.error.map(|err| wire.failure(&err)),
    })
}

/// A `reqwest` client as both clients build it: rustls, the timeouts, Offboard's User-Agent,
/// JSON accepted, no redirects (credentials never travel to another host), https only unless
/// the address is on this computer, and the system proxy except for this computer. Also
/// returns the proxy's address for messages.
pub(crate) fn http_client(
    config: &super::ClientConfig,
    base_url: &str,
    loopback: bool,
) -> Result<(reqwest::Client, Option<String>), String> {
    use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .user_agent(super::USER_AGENT)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!loopback);
    let proxy = if loopback {
        // A system proxy must not see (or swallow) traffic meant for this computer.
        builder = builder.no_proxy();
        None
    } else {
        proxy_for(base_url)
    };
    let http = builder.build().map_err(|e| {
        format!(
            "the secure connection settings could not be prepared ({})",
            super::reply::one_line(&e.to_string())
        )
    })?;
    Ok((http, proxy))
}
