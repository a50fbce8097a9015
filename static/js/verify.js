// The public verification page a certificate's QR code leads to (/v/{token}): whether the
// approval is valid, revoked (with the reason and date) or changed (with a link to the new
// approval), the approved sign as drawn, the shop, both texts, the number and the date.
// Nothing private is shown (no phone, no merchant's name; the licence number masked).

import { h, replace, fmtDate } from './dom.js';

const main = document.getElementById('main');
const STATE_CLASS = { valid: 'ok', revoked: 'error', superseded: 'warn' };

function facts(rows) {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

function show(v) {
  const r = v.record;
  const status = h('p', { class: `verify-status vs-${v.status}`, role: 'status' }, h('strong', { text: v.status_label }));
  const extra = [];
  if (v.status === 'revoked') {
    extra.push(h('p', { class: 'notice error', text: `撤销理由：${v.revoked_reason || ''}${v.revoked_at ? `（${fmtDate(v.revoked_at)}）` : ''}` }));
  }
  if (v.status === 'superseded' && v.replaced_by) {
    extra.push(h('p', { class: 'notice warn' }, '该牌匾已变更，现行批准：', h('a', { href: v.replaced_by.url, text: v.replaced_by.approval_no })));
  }
  replace(
    main,
    h('h1', { text: '牌匾审批核验' }),
    status,
    ...extra,
    h('figure', { class: 'verify-preview' }, h('img', { src: v.preview_url + '?width_px=720', alt: `批准的牌匾效果图：${r.shop_name}` }), h('figcaption', { text: '批准的牌匾效果图' })),
    facts([
      ['批准文号', r.approval_no],
      ['批准日期', fmtDate(r.decided_at)],
      ['店铺名称', r.shop_name],
      ['地址', `${r.township} ${r.address}`],
      ['统一社会信用代码', r.licence_no],
      ['汉文', r.texts.zh],
      ['蒙古文', h('span', { class: 'mn-inline', lang: 'mn-Mong', text: r.texts.mn })],
      ['审批机关', r.office],
    ]),
    h('p', { class: 'hint', text: '本页内容由审批机关电子签名（Ed25519），可下载核验记录离线验证。' }),
    h('p', { class: 'no-print' }, h('a', { href: `/api/v1/verify/${encodeURIComponent(r.token)}`, text: '核验记录（JSON）' }), ' · ', h('a', { href: '/api/v1/verify/key', text: '公钥' })),
  );
}

async function load() {
  const token = decodeURIComponent(location.pathname.split('/').pop() || '');
  const state = document.getElementById('state');
  try {
    const res = await fetch(`/api/v1/verify/${encodeURIComponent(token)}`);
    const body = await res.json();
    if (!res.ok) {
      state.removeAttribute('aria-busy');
      state.className = 'notice error';
      state.textContent = res.status === 404 ? '查无此证：该二维码不是本机关签发的牌匾审批证。' : (body.error && body.error.message) || '核验失败，请稍后再试。';
      return;
    }
    show(body);
  } catch {
    state.removeAttribute('aria-busy');
    state.className = 'notice error';
    state.textContent = '网络连接失败，请检查网络后重试。';
  }
}

load();
