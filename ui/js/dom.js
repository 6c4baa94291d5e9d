// Small DOM helpers shared by the step modules.

export const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element with properties/attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'for') el.setAttribute(k, v);
    else el[k] = v;
  }
  for (const c of children) if (c != null) el.append(c);
  return el;
}

/**
 * Sets text only when it differs. Recycled rows are redrawn on every scroll and click; replacing
 * an unchanged text node under the pointer makes WebKit drop the click that follows.
 */
export function setText(el, text) {
  const t = text == null ? '' : String(text);
  if (el.textContent !== t) el.textContent = t;
}

/** Puts an error's words in its slot (role="alert" in the markup) and shows it; null clears. */
export function setError(el, err) {
  if (!el) return;
  el.textContent = err ? err.message ?? String(err) : '';
  el.hidden = !err;
}

/** Runs `fn` with `button` disabled and marked busy, so a double click cannot act twice. */
export async function busy(button, fn) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

/** Replaces the options of a select, keeping the chosen value if it is still offered. */
export function fillSelect(select, options) {
  const keep = select.value;
  select.replaceChildren(...options.map(([value, label]) => h('option', { value, text: label })));
  select.value = options.some(([v]) => v === keep) ? keep : options[0]?.[0] ?? '';
}

/** Resolves after the next frame has been painted with the current DOM. */
export function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
