// The officials' console: the queue by status, the detail of an application (design beside the
// faithful preview, findings, revisions compared, events), the actions of each role, and the
// admin's accounts of officials.

import { api, login, session } from './api.js';
import { h, append, replace, heading, notice, nextId, fmtDate, debounce } from './dom.js';
import { MN, STATUS, STATUS_ORDER } from './labels.js';
import { protectedImg, releaseImages, statusBadge, eventList, specDiff, changeItems, changesComment } from './detail.js';
import { findingList, VERDICT } from './findings.js';
import { renderUserBox, onSessionEnd, onSessionStart, onPasswordRequired, onPasswordChanged, forcedPasswordView, followNext } from './shell.js';
import { usersView } from './users.js';
import { notificationsView } from './notify.js';
import { dueCell, clockFacts, holderPanel } from './clock.js';
import { suggestionBox } from './suggest.js';
import { documentsSection, revokePanel, printButton } from './documents.js';

const main = document.getElementById('main');
const OFFICIAL = ['translator', 'reviewer', 'admin'];
const queue = { status: null, year: '', q: '', page: 1, perPage: 20, due: '', assignee: '', township: '', from: '', to: '' };
let pendingMessage = null; // shown on the next render (e.g. after a version conflict)

function field(label, input, hint) {
  const id = nextId();
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input, hintEl));
}

function banner() {
  const el = h('div', { class: 'notice', hidden: true });
  if (pendingMessage) {
    notice(el, pendingMessage.text, pendingMessage.kind);
    pendingMessage = null;
  }
  return el;
}

// ---------------------------------------------------------------- login

function loginView() {
  const msg = banner();
  const user = h('input', { type: 'text', autocomplete: 'username' });
  const pass = h('input', { type: 'password', autocomplete: 'current-password' });
  const form = h(
    'form',
    { class: 'card-form narrow', novalidate: true },
    field('用户名', user),
    field('密码', pass),
    h('button', { type: 'submit', class: 'primary', text: '登录' }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await login(user.value.trim(), pass.value);
      if (!OFFICIAL.includes(r.role)) {
        pendingMessage = { text: '这是商户账号，请到“商户申请”页面办理。', kind: 'info' };
      }
      renderUserBox();
      queue.status = null;
      if (followNext()) return;
      // The page that was asked for (a pasted link keeps its hash through the login).
      route();
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  });
  replace(main, heading(1, '审批工作台', MN.console), h('p', { class: 'lead', text: '民委翻译人员、审核人员和管理员登录。' }), msg, form);
  user.focus();
}

// ---------------------------------------------------------------- queue

function defaultStatus(role) {
  return role === 'translator' ? 'translating' : role === 'reviewer' ? 'in_review' : '';
}

/** The queue's filters as query parameters (the list, its CSV). */
function filterParams(status) {
  const p = new URLSearchParams();
  if (status) p.set('status', status);
  if (queue.year) p.set('year', queue.year);
  if (queue.q.trim()) p.set('q', queue.q.trim());
  if (queue.due) p.set(queue.due, 'true');
  if (queue.assignee) p.set('assignee', queue.assignee);
  if (queue.assignee === 'me') p.set('open', 'true');
  if (queue.township.trim()) p.set('township', queue.township.trim());
  if (queue.from) p.set('submitted_from', queue.from);
  if (queue.to) p.set('submitted_to', queue.to);
  return p;
}

function listQuery(status, page, perPage) {
  const p = filterParams(status);
  p.set('page', page);
  p.set('per_page', perPage);
  return `/applications?${p}`;
}

/** Downloads the filtered queue as CSV (the request needs the token, so not a plain link). */
async function downloadCsv(msg) {
  try {
    const p = filterParams(queue.status);
    p.set('format', 'csv');
    const blob = await api(`/applications?${p}`, { as: 'blob' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `申请列表-${new Date().toISOString().slice(0, 10)}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    notice(msg, err.message, 'error');
  }
}

async function queueView() {
  const s = session.get();
  if (queue.status === null) queue.status = defaultStatus(s.role);
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': '按状态查看' });
  const table = h('div', { class: 'queue-table', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': '翻页' });
  const year = h(
    'select',
    {},
    h('option', { value: '', text: '全部年份' }),
    Array.from({ length: 6 }, (_, k) => new Date().getFullYear() - k).map((y) => h('option', { value: y, selected: String(y) === queue.year, text: `${y} 年` })),
  );
  const q = h('input', { type: 'search', value: queue.q, placeholder: '店铺名称、地址、信用代码或受理编号', maxlength: 100 });
  const option = (value, text, current) => h('option', { value, text, selected: value === current });
  const due = h('select', {}, option('', '全部', queue.due), option('overdue', '已逾期', queue.due), option('due_soon', '即将到期', queue.due));
  const assignee = h('select', {}, option('', '全部', queue.assignee), option('me', '我承办的（未办结）', queue.assignee), option('none', '无人认领', queue.assignee));
  const township = h('input', { type: 'text', value: queue.township, maxlength: 100, placeholder: '如 大沁他拉镇' });
  const from = h('input', { type: 'date', value: queue.from });
  const to = h('input', { type: 'date', value: queue.to });
  const filters = h(
    'form',
    { class: 'filters', role: 'search' },
    field('提交年份', year),
    field('查找', q),
    field('办理期限', due),
    field('承办人', assignee),
    field('苏木乡镇', township),
    field('提交日期自', from),
    field('提交日期至', to),
    h('button', { type: 'submit', text: '查询' }),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(queue, { year: year.value, q: q.value, due: due.value, assignee: assignee.value, township: township.value, from: from.value, to: to.value, page: 1 });
    mine.setAttribute('aria-pressed', String(queue.assignee === 'me'));
    load();
  });
  for (const el of [year, due, assignee]) el.addEventListener('change', () => filters.requestSubmit());
  const csvMsg = h('div', { class: 'notice', hidden: true });
  const mine = h('button', {
    type: 'button',
    class: 'mine-button',
    'aria-pressed': String(queue.assignee === 'me'),
    onclick: () => {
      assignee.value = queue.assignee === 'me' ? '' : 'me';
      queue.status = '';
      filters.requestSubmit();
    },
  }, h('span', { text: '我的待办' }), h('span', { class: 'count', text: '–' }));
  const tools = h(
    'div',
    { class: 'queue-tools' },
    mine,
    h('button', { type: 'button', text: '导出表格（CSV）', onclick: () => downloadCsv(csvMsg) }),
  );

  const parts = [heading(1, '审批工作台', MN.console), banner()];
  const links = [h('a', { href: '/terms.html', class: 'button', text: '术语库' })];
  if (s.role === 'admin') {
    links.push(' ', h('a', { href: '#/users', class: 'button', text: '管理工作人员账号' }));
    links.push(' ', h('a', { href: '#/notifications', class: 'button', text: '通知投递' }));
  }
  parts.push(h('p', { class: 'actions' }, links));
  parts.push(tools, csvMsg, filters, tabs, table, pager);
  replace(main, ...parts);

  let loadSeq = 0; // the last request wins: an older answer arriving late is dropped

  async function counts(my) {
    const all = ['', ...STATUS_ORDER];
    // One request for every tab (GET /applications/summary).
    const summary = await api('/applications/summary').catch(() => null);
    if (my !== loadSeq) return;
    const totals = all.map((st) => (!summary ? null : st ? summary.by_status[st] : summary.total));
    mine.querySelector('.count').textContent = summary ? summary.mine : '–';
    replace(
      tabs,
      all.map((st, k) =>
        h(
          'button',
          {
            type: 'button',
            class: 'tab',
            'aria-pressed': String(queue.status === st),
            dataset: { status: st || 'all' },
            onclick: () => {
              queue.status = st;
              queue.page = 1;
              load();
            },
          },
          h('span', { text: st ? STATUS[st] : '全部' }),
          h('span', { class: 'count', text: totals[k] == null ? '–' : totals[k] }),
        ),
      ),
    );
  }

  async function load() {
    const my = ++loadSeq;
    counts(my);
    table.setAttribute('aria-busy', 'true');
    try {
      const page = await api(listQuery(queue.status, queue.page, queue.perPage));
      if (my !== loadSeq) return;
      table.removeAttribute('aria-busy');
      if (page.items.length === 0) {
        replace(table, h('p', { class: 'empty', text: '没有符合条件的申请' }));
      } else {
        replace(
          table,
          h(
            'table',
            { class: 'list' },
            h('caption', { class: 'sr-only', text: '申请列表' }),
            h('thead', {}, h('tr', {}, ['店铺名称', '受理编号', '苏木乡镇', '状态', '办理期限', '承办人', '提交时间', ''].map((t) => h('th', { scope: 'col', text: t })))),
            h(
              'tbody',
              {},
              page.items.map((a) =>
                h(
                  'tr',
                  { class: a.overdue ? 'row-overdue' : a.due_soon ? 'row-soon' : null },
                  h('td', { 'data-label': '店铺名称' }, h('a', { href: `#/app/${encodeURIComponent(a.id)}`, class: 'shop', text: a.shop_name })),
                  h('td', { 'data-label': '受理编号', class: 'mono', text: a.reference }),
                  h('td', { 'data-label': '苏木乡镇', text: a.township }),
                  h('td', { 'data-label': '状态' }, statusBadge(a.status), a.status === 'in_review' && !a.translation_confirmed ? h('span', { class: 'tag', text: '译文待确认' }) : null),
                  h('td', { 'data-label': '办理期限' }, dueCell(a)),
                  h('td', { 'data-label': '承办人', text: a.assignee ? a.assignee.display_name : '—' }),
                  h('td', { 'data-label': '提交时间', text: fmtDate(a.submitted_at) }),
                  h('td', {}, h('a', { href: `#/app/${encodeURIComponent(a.id)}`, class: 'button small', text: '办理', 'aria-label': `办理：${a.shop_name}` })),
                ),
              ),
            ),
          ),
        );
      }
      const pages = Math.max(1, Math.ceil(page.total / page.per_page));
      replace(
        pager,
        h('button', { type: 'button', disabled: queue.page <= 1, text: '上一页', onclick: () => { queue.page--; load(); } }),
        // Above 10,000 rows the total is the database's estimate (total_is_estimate).
        h('span', { text: page.total_is_estimate ? `第 ${queue.page} 页，共约 ${page.total} 件` : `第 ${queue.page} / ${pages} 页，共 ${page.total} 件` }),
        h('button', { type: 'button', disabled: !page.next_after, text: '下一页', onclick: () => { queue.page++; load(); } }),
      );
    } catch (err) {
      if (my !== loadSeq) return;
      table.removeAttribute('aria-busy');
      replace(table, h('p', { class: 'notice error', role: 'alert', text: err.message }));
    }
  }
  load();
}

// ---------------------------------------------------------------- detail

/** The design image, zoomable in a modal with buttons, the wheel and the keyboard. */
function zoomable(url, alt) {
  const dialog = h('dialog', { class: 'zoom', 'aria-label': '查看设计图' });
  let scale = 1;
  const big = protectedImg(url, alt, 'zoom-img');
  const apply = () => {
    big.style.transform = `scale(${scale})`;
    level.textContent = `${Math.round(scale * 100)}%`;
  };
  const level = h('span', { class: 'level', text: '100%' });
  const zoomBy = (k) => {
    scale = Math.min(8, Math.max(0.25, scale * k));
    apply();
  };
  replace(
    dialog,
    h(
      'div',
      { class: 'zoom-bar' },
      h('button', { type: 'button', text: '放大', onclick: () => zoomBy(1.25) }),
      h('button', { type: 'button', text: '缩小', onclick: () => zoomBy(0.8) }),
      h('button', { type: 'button', text: '原大', onclick: () => { scale = 1; apply(); } }),
      level,
      h('button', { type: 'button', class: 'close', text: '关闭', onclick: () => dialog.close() }),
    ),
    h('div', { class: 'zoom-stage' }, big),
  );
  dialog.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.1 : 0.9);
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key === '+' || e.key === '=') zoomBy(1.25);
    if (e.key === '-') zoomBy(0.8);
  });
  const thumb = protectedImg(url, alt, 'design-img');
  const open = h('button', { type: 'button', class: 'zoom-open', title: '点击放大查看', 'aria-label': `放大查看：${alt}` }, thumb);
  open.addEventListener('click', () => dialog.showModal());
  return h('div', { class: 'design-view' }, open, dialog);
}

function compareRevisions(d) {
  const revs = d.revisions;
  if (revs.length < 2) return h('p', { class: 'hint', text: '目前只有一版，没有可比较的修改。' });
  const sel = (value) =>
    h('select', {}, revs.map((r) => h('option', { value: r.n, selected: r.n === value, text: `第 ${r.n} 版（${fmtDate(r.created_at)}，${r.author.display_name || ''}）` })));
  const a = sel(revs[revs.length - 2].n);
  const b = sel(revs[revs.length - 1].n);
  const out = h('div', { class: 'compare-out' });
  const render = () => {
    const ra = revs.find((r) => r.n === Number(a.value));
    const rb = revs.find((r) => r.n === Number(b.value));
    replace(
      out,
      specDiff(ra.spec, rb.spec),
      h(
        'div',
        { class: 'side-by-side' },
        h('figure', {}, protectedImg(ra.preview_url + '?width_px=720', `第 ${ra.n} 版效果图`, 'preview-img'), h('figcaption', { text: `第 ${ra.n} 版：${VERDICT[ra.verdict]}` })),
        h('figure', {}, protectedImg(rb.preview_url + '?width_px=720', `第 ${rb.n} 版效果图`, 'preview-img'), h('figcaption', { text: `第 ${rb.n} 版：${VERDICT[rb.verdict]}` })),
      ),
    );
  };
  a.addEventListener('change', render);
  b.addEventListener('change', render);
  render();
  return h('div', { class: 'compare' }, h('div', { class: 'row2' }, field('较早的版本', a), field('较新的版本', b)), out);
}

/** Sends a transition; a version conflict shows its message and reloads the detail. */
async function transition(d, body, msgEl) {
  try {
    const r = await api(`/applications/${encodeURIComponent(d.id)}/transitions`, { method: 'POST', json: { expected_version: d.version, ...body } });
    const done = {
      supply_translation: '译文已提交，申请转入审核。',
      confirm_translation: '译文已确认。',
      approve: `已批准，批准文号：${r.approval_no || ''}`,
      reject: '已作出不予批准的决定，商户可以看到理由。',
      request_changes: '已退回商户修改。',
      claim: '已认领，此件由您承办。',
      assign: '已指派承办人。',
      extend: '办理期限已延长。',
      revoke: '已撤销批准，核验页面将显示“已撤销”。',
    };
    pendingMessage = { text: done[body.action] || '已办理。', kind: 'ok' };
    detailView(d.id);
  } catch (err) {
    // Someone else acted first: a stale version, or a state that no longer allows the action.
    if (err.code === 'version_conflict' || err.code === 'illegal_transition') {
      pendingMessage = { text: `${err.message}（已为您刷新）`, kind: 'error' };
      detailView(d.id);
      return;
    }
    notice(msgEl, err.message, 'error');
  }
}

function translatorPanel(d, rev, msg) {
  const box = h('div', { class: 'panel' });
  if (d.available_actions.includes('supply_translation')) {
    const ta = h('textarea', { rows: 3, lang: 'mn-Mong', class: 'mn-input', value: rev.spec.texts.mn || '' });
    const img = h('img', { class: 'preview-img', alt: '按译文绘制的效果图', hidden: true });
    const state = h('p', { class: 'preview-state', role: 'status', text: '输入译文后显示效果图' });
    const found = h('div', {});
    let seq = 0;
    let url = null;
    const live = debounce(async () => {
      const my = ++seq;
      const spec = { ...rev.spec, texts: { ...rev.spec.texts, mn: ta.value.trim() }, translation_requested: false };
      state.hidden = false;
      state.textContent = '正在更新效果图…';
      try {
        const [c, blob] = await Promise.all([
          api('/check', { method: 'POST', json: spec }),
          api('/preview?width_px=800', { method: 'POST', json: spec, as: 'blob' }),
        ]);
        if (my !== seq) return;
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(blob);
        img.src = url;
        img.hidden = false;
        state.hidden = true;
        replace(found, findingList(c.findings));
      } catch (err) {
        if (my === seq) state.textContent = err.message;
      }
    }, 300);
    ta.addEventListener('input', live);
    live();
    const take = (mn) => {
      ta.value = mn;
      ta.focus();
      live();
    };
    append(box, [
      h('h3', { text: '提供蒙古文译文' }),
      suggestionBox(rev.spec.texts.zh, take),
      field('蒙古文译文', ta, '按店铺汉文名称翻译，提交后即视为已确认的译文'),
      h('div', { class: 'preview-frame' }, img, state),
      found,
      h('button', {
        type: 'button',
        class: 'primary',
        text: '提交译文',
        onclick: () => {
          if (!ta.value.trim()) return notice(msg, '请填写蒙古文译文', 'error');
          transition(d, { action: 'supply_translation', mn: ta.value.trim() }, msg);
        },
      }),
    ]);
  }
  if (d.available_actions.includes('confirm_translation')) {
    append(box, [
      h('h3', { text: '确认蒙古文译文' }),
      h('p', { class: 'mn-inline big', lang: 'mn-Mong', text: rev.spec.texts.mn || '（没有蒙古文）' }),
      h('button', { type: 'button', class: 'primary', text: '确认译文无误', onclick: () => transition(d, { action: 'confirm_translation' }, msg) }),
    ]);
  }
  return box;
}

/**
 * Approval is irreversible and takes the next approval number: ask first, in a modal dialog
 * naming the shop. Cancel (or Escape) does nothing.
 */
function confirmApproval(d, onConfirm) {
  const titleId = nextId('approve-title');
  const descId = nextId('approve-desc');
  const cancel = h('button', { type: 'button', text: '取消', autofocus: true });
  const ok = h('button', { type: 'button', class: 'primary', text: '确认批准' });
  const dialog = h(
    'dialog',
    { class: 'modal confirm-approve', 'aria-labelledby': titleId, 'aria-describedby': descId },
    h('h2', { id: titleId, text: '确认批准' }),
    h(
      'div',
      { id: descId },
      h('p', {}, '批准“', h('strong', { class: 'shop', text: d.shop_name }), `”的招牌申请（第 ${d.current_revision} 版）？`),
      h('p', { class: 'approve-number', text: '批准后系统将编发下一个批准文号，批准不能撤销。' }),
    ),
    h('div', { class: 'dialog-actions' }, cancel, ok),
  );
  cancel.addEventListener('click', () => dialog.close());
  ok.addEventListener('click', () => {
    dialog.close();
    onConfirm();
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

/** What the API says still stands in the way of `action` (its guards), as notices. */
function blockers(d, action) {
  return ((d.blocked_by || {})[action] || []).map((b) => h('p', { class: 'notice warn', dataset: { code: b.code }, text: b.message }));
}

function reviewerPanel(d, rev, msg) {
  const box = h('div', { class: 'panel' });
  const acts = d.available_actions;
  if (acts.includes('approve')) {
    const comment = h('textarea', { rows: 2, maxlength: 500 });
    append(box, [
      h('h3', { text: '批准' }),
      ...blockers(d, 'approve'),
      field('审批意见（可不填）', comment),
      h('button', {
        type: 'button',
        class: 'primary',
        text: '批准',
        onclick: () => confirmApproval(d, () => transition(d, { action: 'approve', comment: comment.value.trim() || null }, msg)),
      }),
    ]);
  }
  if (acts.includes('request_changes')) {
    const list = h('ul', { class: 'checklist' });
    const addItem = (message, rule, checked) => {
      const cb = h('input', { type: 'checkbox', checked, 'aria-label': '退回时包含这一条' });
      const text = h('input', { type: 'text', value: message, maxlength: 500, 'aria-label': '需要修改的内容' });
      const li = h('li', { dataset: { rule: rule || '' } }, cb, text, rule ? h('span', { class: 'rule', text: rule }) : null);
      li._item = () => (cb.checked && text.value.trim() ? { message: text.value.trim(), rule: rule || null } : null);
      list.append(li);
      return text;
    };
    for (const f of rev.findings) {
      if (f.severity !== 'pending') addItem(f.message, f.rule, true);
    }
    const comment = h('textarea', { rows: 2, maxlength: 500 });
    append(box, [
      h('h3', { text: '退回修改' }),
      h('p', { class: 'hint', text: '下面已按检查结果列出问题，可修改文字、取消勾选或添加，一次全部告知商户。' }),
      list,
      h('button', { type: 'button', class: 'small', text: '＋ 添加一条', onclick: () => addItem('', null, true).focus() }),
      field('说明（可不填）', comment),
      h('button', {
        type: 'button',
        text: '退回修改',
        onclick: () => {
          const items = [...list.children].map((li) => li._item()).filter(Boolean);
          if (items.length === 0) return notice(msg, '请至少勾选或填写一条需要修改的内容', 'error');
          transition(d, { action: 'request_changes', items, comment: comment.value.trim() || null }, msg);
        },
      }),
    ]);
  }
  if (acts.includes('revoke')) box.append(revokePanel(d, (body) => transition(d, body, msg), msg));
  if (acts.includes('reject')) {
    const reason = h('textarea', { rows: 2, maxlength: 500 });
    append(box, [
      h('h3', { text: '不予批准' }),
      field('理由（必填，商户可以看到）', reason),
      h('button', {
        type: 'button',
        class: 'danger',
        text: '不予批准',
        onclick: () => {
          if (!reason.value.trim()) {
            notice(msg, '不予批准时必须写明理由', 'error');
            reason.focus();
            return;
          }
          transition(d, { action: 'reject', comment: reason.value.trim() }, msg);
        },
      }),
    ]);
  }
  return box;
}

async function detailView(id) {
  releaseImages();
  const top = banner();
  replace(main, top, h('p', { 'aria-busy': 'true', text: '正在读取…' }));
  let d;
  try {
    d = await api(`/applications/${encodeURIComponent(id)}`);
  } catch (err) {
    replace(main, h('p', { class: 'notice error', role: 'alert', text: err.message }), h('a', { href: '#/', text: '返回队列' }));
    return;
  }
  const rev = d.revisions[d.revisions.length - 1];
  const msg = h('div', { class: 'notice', hidden: true });
  const designs = rev.attachments;
  const designBox = h('div', { class: 'designs' });
  const showDesign = (k) => replace(designBox, zoomable(designs[k].url, `设计图 ${k + 1}：${designs[k].original_name}`));
  if (designs.length) showDesign(0);
  else designBox.append(h('p', { text: '没有设计图' }));

  const role = session.get().role;
  const canAct = d.available_actions.length > 0;
  replace(
    main,
    h('p', { class: 'no-print' }, h('a', { href: '#/', text: '← 返回队列' }), ' ', printButton()),
    h('h1', { class: 'detail-title' }, h('span', { class: 'shop', text: d.shop_name }), ' ', statusBadge(d.status, d.status_label), h('span', { class: 'ver', text: `第 ${d.current_revision} 版` })),
    h('p', { class: 'reference' }, '受理编号：', h('strong', { class: 'mono', text: d.reference })),
    top,
    d.approval_no ? h('p', { class: 'approval-box' }, '批准文号：', h('strong', { class: 'approval-no', text: d.approval_no })) : null,
    h(
      'dl',
      { class: 'facts' },
      ...[
        ['商户', d.merchant.display_name],
        ['统一社会信用代码', d.license_no],
        ['苏木乡镇', d.township],
        ['地址', d.address],
        ['联系电话', d.phone],
        ['汉文', rev.spec.texts.zh],
        ['蒙古文译文', d.translation_confirmed ? '已确认' : rev.spec.texts.mn ? '待确认' : '待翻译'],
        ['提交时间', fmtDate(d.submitted_at)],
        ...clockFacts(d),
      ].flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v || '' })]),
    ),
    h(
      'section',
      { class: 'pair', 'aria-label': '设计图与效果图对照' },
      h(
        'figure',
        {},
        designBox,
        designs.length > 1
          ? h('div', { class: 'thumb-row' }, designs.map((a, k) => h('button', { type: 'button', class: 'small', text: `设计图 ${k + 1}`, onclick: () => showDesign(k) })))
          : null,
        h('figcaption', { text: '商户上传的设计图（点击放大）' }),
      ),
      h('figure', {}, protectedImg(rev.preview_url + '?width_px=960', '按规定绘制的效果图', 'preview-img'), h('figcaption', { text: '系统按申请内容绘制的效果图' })),
    ),
    h('section', {}, h('h2', { text: '检查结果' }), h('p', { class: `verdict v-${rev.verdict}`, text: VERDICT[rev.verdict] }), findingList(rev.findings)),
    documentsSection(d),
    d.requested_changes ? h('section', { class: 'requested' }, h('h2', { text: '已要求商户修改' }), changeItems(d.requested_changes), changesComment(d)) : null,
    canAct
      ? h(
          'section',
          { class: 'act no-print' },
          h('h2', { text: '办理' }),
          msg,
          role === 'translator' || role === 'admin' ? translatorPanel(d, rev, msg) : null,
          role === 'reviewer' || role === 'admin' ? reviewerPanel(d, rev, msg) : null,
          holderPanel(d, session.get().user && session.get().user.id, (body, el) => transition(d, body, el), msg),
        )
      : h('p', { class: 'hint', text: `当前状态为“${d.status_label}”，您无需办理。` }),
    h('section', { class: 'no-print' }, h('h2', { text: '各版本对比' }), compareRevisions(d)),
    h('section', {}, h('h2', { text: '办理经过' }), eventList(d.events)),
  );
}

// ---------------------------------------------------------------- routing

/** Shows the view of `hash` (also when it is already the current one). */
function go(hash) {
  if (location.hash === hash || (!hash && !location.hash)) route();
  else location.hash = hash;
}

function route() {
  const s = session.get();
  if (!s) return loginView();
  if (s.must_change_password) return forcedPasswordView(main, MN.console);
  if (!OFFICIAL.includes(s.role)) {
    replace(main, heading(1, '审批工作台', MN.console), banner(), h('p', {}, '您登录的是商户账号。请到 ', h('a', { href: '/portal.html', text: '商户申请' }), ' 办理，或退出后用工作人员账号登录。'));
    return;
  }
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/app\/(.+)$/);
  if (m) detailView(decodeURIComponent(m[1]));
  else if (hash === '#/users' && s.role === 'admin') usersView(main, banner());
  else if (hash === '#/notifications' && s.role === 'admin') notificationsView(main, banner());
  else queueView();
  main.focus({ preventScroll: true });
}

onSessionEnd((expired, message) => {
  pendingMessage = { text: message || (expired ? '登录已过期，请重新登录。' : '已退出登录。'), kind: message ? 'error' : 'info' };
  go('');
});
onSessionStart(() => {
  queue.status = null;
  route();
});
onPasswordRequired(route);
onPasswordChanged(() => {
  pendingMessage = { text: '密码已修改。', kind: 'ok' };
  route();
});
window.addEventListener('hashchange', route);
renderUserBox();
route();
