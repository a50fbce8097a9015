// The public register (公示) of approved signs: search by shop, address or number, filter by
// year and township, page through, download CSV. Revoked and changed approvals are marked.

import { h, replace, nextId, fmtDate, debounce } from './dom.js';

const main = document.getElementById('main');
const state = { q: '', year: '', township: '', page: 1 };
const PER_PAGE = 20;

function query(extra = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...state, per_page: PER_PAGE, ...extra })) if (v !== '' && v != null) p.set(k, String(v));
  return p.toString();
}

function input(label, attrs, onInput) {
  const id = nextId();
  const el = h('input', { id, ...attrs });
  el.addEventListener('input', onInput);
  return [el, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), el)];
}

const results = h('div', { 'aria-live': 'polite' });

function entry(e) {
  return h(
    'li',
    { class: `reg-entry rs-${e.status}` },
    h('img', { src: e.thumbnail_url, alt: `${e.shop_name}的牌匾效果图`, loading: 'lazy', width: 120 }),
    h(
      'div',
      {},
      h('p', {}, h('strong', { class: 'shop', text: e.shop_name }), ' ', h('span', { class: `status rs-badge-${e.status}`, text: e.status_label })),
      h('p', { class: 'meta', text: `${e.approval_no} · ${fmtDate(e.decided_at).slice(0, 10)}` }),
      h('p', { text: `${e.township} ${e.address}` }),
      h('p', {}, h('span', { text: e.texts.zh }), ' / ', h('span', { class: 'mn-inline', lang: 'mn-Mong', text: e.texts.mn })),
      h('p', { class: 'meta' }, `统一社会信用代码 ${e.licence_no} · `, h('a', { href: e.verify_url.replace(/^https?:\/\/[^/]+/, ''), text: '核验' })),
    ),
  );
}

async function load() {
  results.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`/api/v1/register?${query()}`);
    const page = await res.json();
    if (!res.ok) throw new Error((page.error && page.error.message) || '读取失败');
    const pages = Math.max(1, Math.ceil(page.total / PER_PAGE));
    replace(
      results,
      h('p', { text: `共 ${page.total} 条批准记录` }),
      h('ul', { class: 'register' }, page.items.map(entry)),
      h(
        'nav',
        { class: 'pager', 'aria-label': '翻页' },
        h('button', { type: 'button', class: 'small', text: '上一页', disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }),
        h('span', { text: ` 第 ${state.page} / ${pages} 页 ` }),
        h('button', { type: 'button', class: 'small', text: '下一页', disabled: state.page >= pages, onclick: () => { state.page += 1; load(); } }),
      ),
    );
  } catch (err) {
    replace(results, h('p', { class: 'notice error', role: 'alert', text: err.message }));
  } finally {
    results.removeAttribute('aria-busy');
  }
}

const reload = debounce(() => {
  state.page = 1;
  load();
}, 300);

const [, qBox] = input('搜索店铺名称、地址或批准文号', { type: 'search', maxlength: 100 }, (e) => { state.q = e.target.value.trim(); reload(); });
const [, yBox] = input('批准年份', { type: 'number', min: 2000, max: 2100, inputmode: 'numeric' }, (e) => { state.year = e.target.value.trim(); reload(); });
const [, tBox] = input('苏木乡镇', { type: 'text', maxlength: 50 }, (e) => { state.township = e.target.value.trim(); reload(); });
const csv = h('a', { class: 'button small', href: '#', text: '下载 CSV' });
csv.addEventListener('click', () => { csv.href = `/api/v1/register?${query({ format: 'csv', per_page: 100 })}`; });

replace(
  main,
  h('h1', { text: '牌匾批准公示' }),
  h('p', { class: 'lead', text: '依法公示已批准的牌匾。已撤销或已变更的批准标明状态。统一社会信用代码部分隐去。' }),
  h('div', { class: 'filters' }, h('div', { class: 'field' }, qBox), h('div', { class: 'row2' }, h('div', { class: 'field' }, yBox), h('div', { class: 'field' }, tBox)), csv),
  results,
);
load();
