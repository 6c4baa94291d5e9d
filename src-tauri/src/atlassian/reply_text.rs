//! Turning reply bodies into short, safe text an admin can read.

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use serde_json::Value;

/// Longest text taken from a body that is not Atlassian's JSON (a gateway page, plain text).
const SNIPPET_LIMIT: usize = 200;
/// Longest joined message from an ErrorCollection.
const MESSAGE_LIMIT: usize = 500;

/// Joins the messages of an Atlassian ErrorCollection (`{"errorMessages":[...],"errors":{...}}`)
/// or a `{"message": ...}` body with `; `. An empty body or an empty collection gives an empty
/// string; a web page or other text gives a short excerpt with tags stripped.
pub fn parse_error_messages(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    let Ok(value) = serde_json::from_str::<Value>(trimmed) else {
        return snippet(trimmed);
    };
    let mut parts: Vec<String> = Vec::new();
    let mut push = |text: &str| {
        let text = one_line(text);
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    };
    match &value {
        Value::String(text) => push(text),
        Value::Object(map) => {
            if let Some(Value::Array(messages)) = map.get("errorMessages") {
                messages.iter().for_each(|m| push(&plain(m)));
            }
            if let Some(Value::Object(errors)) = map.get("errors") {
                errors.values().for_each(|m| push(&plain(m)));
            }
            for key in ["message", "errorMessage"] {
                if let Some(Value::String(text)) = map.get(key) {
                    push(text);
                }
            }
            let known = ["errorMessages", "errors", "message", "errorMessage"];
            if parts.is_empty() && !known.iter().any(|k| map.contains_key(*k)) {
                return snippet(trimmed);
            }
        }
        _ => return snippet(trimmed),
    }
    shorten(&parts.join("; "), MESSAGE_LIMIT)
}

/// True when a body is a web page: an HTML content type, or text that opens with a tag.
pub(crate) fn looks_like_html(headers: &HeaderMap, body: &str) -> bool {
    let typed_html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
    typed_html || body.trim_start().starts_with('<')
}

/// A short excerpt of a body: a page's title when it has one, else its text without tags.
pub(crate) fn snippet(body: &str) -> String {
    let body = body.trim();
    if !body.starts_with('<') {
        return shorten(&one_line(body), SNIPPET_LIMIT);
    }
    let title = between_tags(body, "title").map(|t| one_line(&decode_entities(t)));
    match title {
        Some(title) if !title.is_empty() => shorten(&title, SNIPPET_LIMIT),
        _ => shorten(
            &one_line(&decode_entities(&strip_tags(body))),
            SNIPPET_LIMIT,
        ),
    }
}

/// Collapses all whitespace runs (line ends included) to single spaces and drops control
/// characters, so a message stays on one line of a log or a CSV cell.
pub(crate) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cuts `text` to `limit` characters, marking the cut with an ellipsis.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The text inside the first `<name ...>…</name>`, case-insensitively.
fn between_tags<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let open = lower.find(&format!("<{name}"))?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find(&format!("</{name}"))?;
    Some(&html[start..end])
}

/// Drops tags, and the contents of `<script>` and `<style>`, keeping the visible text.
fn strip_tags(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len().min(4096));
    let mut i = 0;
    // Every turn moves `i` forward, so the loop ends within html.len() turns.
    while i < html.len() {
        let rest = &lower[i..];
        if !rest.starts_with('<') {
            let next = rest.find('<').map_or(html.len(), |n| i + n);
            out.push_str(&html[i..next]);
            i = next;
            continue;
        }
        let hidden = ["script", "style"]
            .into_iter()
            .find(|name| rest[1..].starts_with(name));
        let skip_to = match hidden {
            Some(name) => rest
                .find(&format!("</{name}"))
                .and_then(|close| rest[close..].find('>').map(|gt| close + gt)),
            None => rest.find('>'),
        };
        out.push(' ');
        i = skip_to.map_or(html.len(), |n| i + n + 1);
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
