//! Page helpers: find, wait, click and read through the contract's ids and attributes.

use crate::{poll, poll_quiet, App};
use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::Duration;

/// The usual bound on a UI wait.
pub const UI: Duration = Duration::from_secs(15);
/// The usual poll interval.
pub const TICK: Duration = Duration::from_millis(50);

/// A row of `#user-table` as the DOM shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowState {
    pub locked: Option<String>,
    pub unlocked: bool,
    pub checked: bool,
    pub disabled: bool,
    /// A visible `button.unlock` (rows are recycled: a hidden one does not count).
    pub has_unlock: bool,
}

impl App {
    /// Runs a script in the page (`arguments[i]` are `args`).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs a script; `None` when it fails (e.g. while a native prompt is open).
    pub async fn try_js(&self, script: &str, args: Vec<Value>) -> Option<Value> {
        self.client().execute(script, args).await.ok()
    }

    /// The element for `css`, if present now.
    pub async fn try_el(&self, css: &str) -> Option<Element> {
        self.client().find(Locator::Css(css)).await.ok()
    }

    /// Waits until `css` is present.
    pub async fn el(&self, css: &str) -> Element {
        poll(&format!("{css} to be present"), UI, TICK, || {
            self.try_el(css)
        })
        .await
    }

    /// Whether `css` is present and displayed now.
    pub async fn visible(&self, css: &str) -> bool {
        match self.try_el(css).await {
            Some(e) => e.is_displayed().await.unwrap_or(false),
            None => false,
        }
    }

    /// Waits until `css` is displayed.
    pub async fn wait_visible(&self, css: &str) -> Element {
        self.wait_visible_for(css, UI).await
    }

    /// Waits up to `limit` until `css` is displayed.
    pub async fn wait_visible_for(&self, css: &str, limit: Duration) -> Element {
        poll(&format!("{css} to be visible"), limit, TICK, || async {
            let e = self.try_el(css).await?;
            e.is_displayed().await.ok()?.then_some(e)
        })
        .await
    }

    /// Waits until `css` is visible and enabled, then clicks it (again if the element was
    /// re-rendered in between).
    pub async fn click(&self, css: &str) {
        poll(&format!("{css} to be clickable"), UI, TICK, || async {
            let e = self.try_el(css).await?;
            if !(e.is_displayed().await.ok()? && e.is_enabled().await.ok()?) {
                return None;
            }
            e.click().await.ok()
        })
        .await
    }

    /// Empties a text field with Backspace and types `text` into it, as a person would (so the
    /// page gets its `input` events; WebDriver's Element Clear does not send them everywhere).
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.wait_visible(css).await;
        let old = e.prop("value").await.unwrap().unwrap_or_default();
        if !old.is_empty() {
            // The caret goes to the end when send_keys focuses the field.
            let backspaces = "\u{E003}".repeat(old.chars().count());
            e.send_keys(&backspaces).await.unwrap();
        }
        let left = e.prop("value").await.unwrap().unwrap_or_default();
        if !left.is_empty() {
            e.clear().await.unwrap();
        }
        if !text.is_empty() {
            e.send_keys(text).await.unwrap();
        }
    }

    /// The rendered text of `css` (`innerText`; "" when absent or unreadable just now).
    pub async fn text(&self, css: &str) -> String {
        let v = self
            .try_js(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                vec![json!(css)],
            )
            .await;
        v.and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// An attribute of `css` (`None` when the element or the attribute is absent).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.try_el(css).await?.attr(name).await.ok()?
    }

    /// Waits until `css` carries attribute `name`, and returns its value.
    pub async fn wait_attr(&self, css: &str, name: &str, limit: Duration) -> String {
        poll(&format!("{css}[{name}]"), limit, TICK, || {
            self.attr(css, name)
        })
        .await
    }

    /// Whether `css` is enabled.
    pub async fn enabled(&self, css: &str) -> bool {
        match self.try_el(css).await {
            Some(e) => e.is_enabled().await.unwrap_or(false),
            None => false,
        }
    }

    /// Picks the option of the `<select>` at `css` whose value or text is `wanted` (ignoring
    /// case), the way a person picks it.
    pub async fn choose(&self, css: &str, wanted: &str) {
        let found = poll(&format!("option {wanted:?} in {css}"), UI, TICK, || async {
            let select = self.try_el(css).await?;
            let options = select.find_all(Locator::Css("option")).await.ok()?;
            for o in options {
                let value = o.attr("value").await.ok()?.unwrap_or_default();
                let text = o.text().await.ok()?;
                if value.eq_ignore_ascii_case(wanted) || text.trim().eq_ignore_ascii_case(wanted) {
                    return Some(value);
                }
            }
            None
        })
        .await;
        let select = self.el(css).await;
        select.select_by_value(&found).await.unwrap();
    }

    /// The values of the options of the `<select>` at `css`.
    pub async fn options(&self, css: &str) -> Vec<String> {
        let v = self
            .js(
                "const s = document.querySelector(arguments[0]);
                 return s ? Array.from(s.options).map(o => o.value) : [];",
                vec![json!(css)],
            )
            .await;
        serde_json::from_value(v).unwrap()
    }

    /// The step the rail marks current (`aria-current="step"`).
    pub async fn step(&self) -> Option<String> {
        self.attr("nav#steps button[aria-current=\"step\"]", "data-step")
            .await
    }

    /// Waits until the rail's current step is `step` and its panel is visible.
    pub async fn wait_step(&self, step: &str) {
        poll(&format!("step {step} to be current"), UI, TICK, || async {
            (self.step().await.as_deref() == Some(step)).then_some(())
        })
        .await;
        self.wait_visible(&format!("section#step-{step}")).await;
    }

    /// `#selected-count` as (selected, matching the filters), waiting until it reads so.
    pub async fn selected_count(&self) -> (usize, usize) {
        poll(
            "#selected-count to read \"N of M selected\"",
            UI,
            TICK,
            || async { parse_n_of_m(&self.text("#selected-count").await) },
        )
        .await
    }

    /// Waits until `#selected-count` reads `(n, m)`; panics with what it read last.
    pub async fn wait_selected(&self, n: usize, m: usize) {
        let got = poll_quiet(UI, TICK, || async {
            (parse_n_of_m(&self.text("#selected-count").await) == Some((n, m))).then_some(())
        })
        .await;
        if got.is_none() {
            let text = self.text("#selected-count").await;
            panic!("#selected-count reads {text:?}, expected \"{n} of {m} selected\"");
        }
    }

    /// The DOM state of the user-table row for `id`, if it is rendered.
    pub async fn row(&self, id: &str) -> Option<RowState> {
        let v = self
            .try_js(
                "const id = arguments[0];
                 const row = Array.from(document.querySelectorAll('#user-table [role=row][data-id]'))
                   .find(r => r.getAttribute('data-id') === id);
                 if (!row) return null;
                 const box = row.querySelector('input[type=checkbox]');
                 const vis = el => !!el && !el.hidden && el.getClientRects().length > 0
                   && getComputedStyle(el).visibility !== 'hidden';
                 return {
                   locked: row.getAttribute('data-locked'),
                   unlocked: row.getAttribute('data-unlocked') === 'true',
                   checked: !!(box && box.checked),
                   disabled: !!(box && box.disabled),
                   hasUnlock: vis(row.querySelector('button.unlock')),
                 };",
                vec![json!(id)],
            )
            .await?;
        if v.is_null() {
            return None;
        }
        Some(RowState {
            locked: v["locked"].as_str().map(str::to_owned),
            unlocked: v["unlocked"].as_bool().unwrap(),
            checked: v["checked"].as_bool().unwrap(),
            disabled: v["disabled"].as_bool().unwrap(),
            has_unlock: v["hasUnlock"].as_bool().unwrap(),
        })
    }

    /// Types `query` into `#search` and waits until the row for `id` is rendered.
    pub async fn find_row(&self, query: &str, id: &str) -> RowState {
        self.fill("#search", query).await;
        poll(
            &format!("row {id} after searching {query:?}"),
            UI,
            TICK,
            || self.row(id),
        )
        .await
    }

    /// Clicks something inside the rendered row for `id` (`inner` is a CSS selector).
    pub async fn click_in_row(&self, id: &str, inner: &str) {
        let css = format!("#user-table [role=row][data-id=\"{id}\"] {inner}");
        self.click(&css).await;
    }

    /// `performance` marks named `name`, as start times in ms.
    pub async fn marks(&self, name: &str) -> Vec<f64> {
        let v = self
            .js(
                "return performance.getEntriesByName(arguments[0], 'mark').map(m => m.startTime);",
                vec![json!(name)],
            )
            .await;
        serde_json::from_value(v).unwrap()
    }

    /// Calls a Rust command straight from the page, as a broken or hostile page could, bypassing
    /// the page's own checks; an `onEvent` of `"channel"` becomes a fresh `Channel`.
    pub async fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let v = self
            .client()
            .execute_async(
                "const [cmd, args, done] = arguments;
                 const core = window.__TAURI__.core;
                 const a = Object.assign({}, args);
                 if (a.onEvent === 'channel') a.onEvent = new core.Channel();
                 core.invoke(cmd, a).then(v => done({ ok: v ?? null }), e => done({ err: e }));",
                vec![json!(cmd), args],
            )
            .await
            .unwrap();
        match v.get("ok") {
            Some(ok) => Ok(ok.clone()),
            None => Err(v["err"].clone()),
        }
    }

    /// Saves a WebDriver screenshot (PNG) of the window, after two animation frames so the
    /// last change is painted.
    pub async fn screenshot(&self, path: &std::path::Path) {
        self.client()
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
        let png = self.client().screenshot().await.unwrap();
        std::fs::write(path, png).unwrap();
    }
}

/// "N of M selected" (digits may carry thousands separators).
pub fn parse_n_of_m(text: &str) -> Option<(usize, usize)> {
    let nums: Vec<usize> = text
        .split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '\u{a0}' || c == '\u{202f}'))
        .map(|s| s.replace([',', '\u{a0}', '\u{202f}'], ""))
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [n, m] if text.contains(" of ") => Some((*n, *m)),
        _ => None,
    }
}

/// The first number in a text ("12 removed" → 12), thousands separators allowed.
pub fn first_number(text: &str) -> Option<usize> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '\u{a0}' || *c == '\u{202f}')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_from_words() {
        assert_eq!(parse_n_of_m("3 of 45 selected"), Some((3, 45)));
        assert_eq!(
            parse_n_of_m("100,000 of 100,000 selected"),
            Some((100_000, 100_000))
        );
        assert_eq!(parse_n_of_m("nothing"), None);
        assert_eq!(first_number("Removed: 1,204"), Some(1204));
        assert_eq!(first_number("none"), None);
    }
}
