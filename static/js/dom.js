// DOM helpers. Every string is inserted as a text node, never parsed as HTML: data from users
// (shop names, comments, texts) can never become markup.

/** Builds an element. `attrs.text` sets textContent; `on*` keys add listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = Boolean(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, anything else as text. */
export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

let uid = 0;
/** A fresh element id, for label/for pairs. */
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/** A Mongolian label in the traditional vertical script. */
export function mn(text, extra = '') {
  return h('span', { class: `mn ${extra}`.trim(), lang: 'mn-Mong' }, text);
}

/** A heading with its Mongolian beside it. */
export function heading(level, zh, mnText) {
  return h(`h${level}`, { class: 'bi' }, mnText ? mn(mnText, 'mn-head') : null, h('span', { text: zh }));
}

/** A message area that screen readers announce. */
export function notice(el, text, kind = 'info') {
  el.className = `notice ${kind}`;
  el.hidden = !text;
  el.textContent = text || '';
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/**
 * A moment from the API as "YYYY-MM-DD HH:MM" in the reader's time zone. Every date on the
 * pages goes through here. The API sends RFC 3339 with a zone ("…Z" or "+08:00"); a time
 * without a zone is taken as UTC; anything unreadable shows as "" (never "NaN-NaN-NaN").
 */
export function fmtDate(iso) {
  if (!iso || typeof iso !== 'string') return '';
  let text = iso.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) text += 'Z';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
