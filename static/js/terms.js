// The term base page: search, add, edit, approve and delete terms, import and export CSV.
// Every official reads it; translators and administrators change it.

import { api, session } from './api.js';
import { h, replace, heading, notice, nextId, fmtDate } from './dom.js';
import { MN } from './labels.js';
import { renderUserBox, onSessionEnd, onSessionStart, onPasswordRequired, forcedPasswordView } from './shell.js';

const main = document.getElementById('main');
const READERS = ['translator', 'reviewer', 'admin'];
const WRITERS = ['translator', 'admin'];
const STATUS = { proposed: '待审定', approved: '已审定' };
const query = { q: '', status: '', page: 1, perPage: 50 };

function field(label, input, hint) {
  const id = nextId('t');
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input, hintEl));
}

function inputs(t = {}) {
  return {
    zh: h('input', { type: 'text', maxlength: 50, value: t.zh || '', autocomplete: 'off' }),
    mn: h('textarea', { rows: 2, lang: 'mn-Mong', class: 'mn-input', value: t.mn || '' }),
    note: h('input', { type: 'text', maxlength: 500, value: t.note || '' }),
    source: h('input', { type: 'text', maxlength: 200, value: t.source || '' }),
  };
}

function termFields(f) {
  return [
    field('汉文术语', f.zh, '例如：超市、有限公司'),
    field('蒙古文规范写法', f.mn, '传统蒙古文，与招牌上的写法一致'),
    field('备注（可不填）', f.note),
    field('出处（可不填）', f.source, '例如：审定文件名称'),
  ];
}

const values = (f) => ({ zh: f.zh.value.trim(), mn: f.mn.value.trim(), note: f.note.value.trim(), source: f.source.value.trim() });

/** A modal dialog titled `title`; `build(close)` returns its body. */
function modal(title, build) {
  const titleId = nextId('dlg');
  const dialog = h('dialog', { class: 'modal', 'aria-labelledby': titleId });
  const close = () => dialog.close();
  dialog.append(h('h2', { id: titleId, text: title }), ...[build(close)].flat());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

function editTerm(t, msg, reload) {
  const f = inputs(t);
  const err = h('div', { class: 'notice', hidden: true });
  modal(`修改术语“${t.zh}”`, (close) => {
    const form = h(
      'form',
      { novalidate: true },
      termFields(f),
      h('p', { class: 'hint', text: t.status === 'approved' ? '修改汉文或蒙古文后，术语需要重新审定。' : '' }),
      err,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', text: '取消', onclick: close }), h('button', { type: 'submit', class: 'primary', text: '保存' })),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api(`/terms/${encodeURIComponent(t.id)}`, { method: 'PATCH', json: { ...values(f), version: t.version } });
        close();
        notice(msg, `已修改术语“${f.zh.value.trim()}”。`, 'ok');
        reload();
      } catch (e2) {
        notice(err, e2.message, 'error');
      }
    });
    return form;
  });
  f.zh.focus();
}

function deleteTerm(t, msg, reload) {
  modal('删除术语', (close) => [
    h('p', { text: `删除术语“${t.zh}”？删除后不再用于译文建议和术语检查，修改记录仍然保留。` }),
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', text: '取消', autofocus: true, onclick: close }),
      h('button', {
        type: 'button',
        class: 'danger',
        text: '删除',
        onclick: async () => {
          close();
          try {
            await api(`/terms/${encodeURIComponent(t.id)}`, { method: 'DELETE', as: 'text' });
            notice(msg, `已删除术语“${t.zh}”。`, 'ok');
          } catch (e) {
            notice(msg, e.message, 'error');
          }
          reload();
        },
      }),
    ),
  ]);
}

async function approve(t, msg, reload) {
  try {
    await api(`/terms/${encodeURIComponent(t.id)}`, { method: 'PATCH', json: { status: 'approved', version: t.version } });
    notice(msg, `已审定术语“${t.zh}”，此后用于译文建议和术语检查。`, 'ok');
  } catch (e) {
    notice(msg, e.message, 'error');
  }
  reload();
}

function termRow(t, canWrite, msg, reload) {
  const actions = canWrite
    ? [
        t.status === 'proposed' ? h('button', { type: 'button', class: 'small primary', text: '审定', 'aria-label': `审定：${t.zh}`, onclick: () => approve(t, msg, reload) }) : null,
        h('button', { type: 'button', class: 'small', text: '修改', 'aria-label': `修改：${t.zh}`, onclick: () => editTerm(t, msg, reload) }),
        h('button', { type: 'button', class: 'small danger', text: '删除', 'aria-label': `删除：${t.zh}`, onclick: () => deleteTerm(t, msg, reload) }),
      ]
    : [];
  return h(
    'tr',
    { dataset: { zh: t.zh } },
    h('td', { 'data-label': '汉文', class: 'term-zh', text: t.zh }),
    h('td', { 'data-label': '蒙古文' }, h('span', { class: 'mn-inline', lang: 'mn-Mong', text: t.mn })),
    h('td', { 'data-label': '备注', text: [t.note, t.source ? `出处：${t.source}` : ''].filter(Boolean).join('；') }),
    h('td', { 'data-label': '状态' }, h('span', { class: `status term-${t.status}`, text: STATUS[t.status] || t.status })),
    h('td', { 'data-label': '最后修改', text: `${t.updated_by.display_name} ${fmtDate(t.updated_at)}` }),
    canWrite ? h('td', {}, h('div', { class: 'row-actions' }, actions)) : null,
  );
}

function addForm(msg, reload) {
  const f = inputs();
  const form = h('form', { class: 'card-form', novalidate: true }, h('h2', { text: '添加术语' }), termFields(f), h('button', { type: 'submit', class: 'primary', text: '添加' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const t = await api('/terms', { method: 'POST', json: values(f) });
      notice(msg, `已添加术语“${t.zh}”（待审定）。`, 'ok');
      form.reset();
      reload();
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  });
  return form;
}

function importForm(msg, reload) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const problems = h('ul', { class: 'import-problems', hidden: true });
  const form = h(
    'form',
    { class: 'card-form', novalidate: true },
    h('h2', { text: '导入 CSV' }),
    field('CSV 文件', file, 'UTF-8 编码，第一行为 zh,mn,note；有一行出错时整个文件都不导入'),
    problems,
    h('button', { type: 'submit', text: '导入' }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problems.hidden = true;
    const chosen = file.files[0];
    if (!chosen) return notice(msg, '请选择要导入的 CSV 文件', 'error');
    try {
      const r = await api('/terms/import', { method: 'POST', body: await chosen.text(), headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
      notice(msg, `已导入 ${r.imported} 条术语（待审定）。`, 'ok');
      form.reset();
      reload();
    } catch (err) {
      notice(msg, err.message, 'error');
      if (Array.isArray(err.details)) {
        replace(problems, err.details.map((d) => h('li', { text: `第 ${d.line} 行：${d.message}` })));
        problems.hidden = false;
      }
    }
  });
  return form;
}

async function exportCsv(msg) {
  try {
    const blob = await api('/terms/export', { as: 'blob' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: 'terms.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    notice(msg, err.message, 'error');
  }
}

function termsView(s) {
  const canWrite = WRITERS.includes(s.role);
  const msg = h('div', { class: 'notice', hidden: true });
  const list = h('div', { class: 'terms-list', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': '翻页' });
  const q = h('input', { type: 'search', value: query.q, maxlength: 50, placeholder: '汉文、蒙古文或备注' });
  const status = h('select', {}, h('option', { value: '', text: '全部' }), Object.entries(STATUS).map(([v, t]) => h('option', { value: v, selected: v === query.status, text: t })));
  const filters = h('form', { class: 'filters', role: 'search' }, field('查找', q), field('状态', status), h('button', { type: 'submit', text: '查询' }));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(query, { q: q.value.trim(), status: status.value, page: 1 });
    load();
  });
  async function load() {
    const p = new URLSearchParams({ page: query.page, per_page: query.perPage });
    if (query.q) p.set('q', query.q);
    if (query.status) p.set('status', query.status);
    try {
      const page = await api(`/terms?${p}`);
      const head = ['汉文', '蒙古文', '备注', '状态', '最后修改', canWrite ? '操作' : null].filter(Boolean);
      replace(
        list,
        page.items.length === 0
          ? h('p', { class: 'empty', text: query.q || query.status ? '没有符合条件的术语' : '术语库还是空的' })
          : h('table', { class: 'list terms' }, h('caption', { text: `术语（共 ${page.total} 条）` }), h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col', text: t })))), h('tbody', {}, page.items.map((t) => termRow(t, canWrite, msg, load)))),
      );
      const pages = Math.max(1, Math.ceil(page.total / page.per_page));
      replace(
        pager,
        h('button', { type: 'button', disabled: query.page <= 1, text: '上一页', onclick: () => { query.page--; load(); } }),
        h('span', { text: `第 ${query.page} / ${pages} 页` }),
        h('button', { type: 'button', disabled: query.page >= pages, text: '下一页', onclick: () => { query.page++; load(); } }),
      );
    } catch (err) {
      replace(list, h('p', { class: 'notice error', role: 'alert', text: err.message }));
    }
  }
  replace(
    main,
    h('p', {}, h('a', { href: '/console.html', text: '← 返回审批工作台' })),
    heading(1, '术语库'),
    h('p', { class: 'lead', text: canWrite ? '已审定的术语用于译文建议，并检查招牌蒙古文是否使用了规范写法（规则 T3）。新添加和导入的术语须审定后才生效。' : '已审定的术语用于译文建议和规则 T3 的检查。' }),
    msg,
    filters,
    h('p', { class: 'actions' }, h('button', { type: 'button', text: '导出 CSV', onclick: () => exportCsv(msg) })),
    list,
    pager,
    canWrite ? h('div', { class: 'two' }, addForm(msg, load), importForm(msg, load)) : null,
  );
  load();
}

function route() {
  const s = session.get();
  if (!s) {
    replace(main, heading(1, '术语库'), h('p', {}, '请先到 ', h('a', { href: '/console.html?next=/terms.html', text: '审批工作台' }), ' 用工作人员账号登录。'));
    return;
  }
  if (s.must_change_password) return forcedPasswordView(main, MN.console);
  if (!READERS.includes(s.role)) {
    replace(main, heading(1, '术语库'), h('p', { text: '术语库只对民委工作人员开放。' }));
    return;
  }
  termsView(s);
}

onSessionEnd(route);
onSessionStart(route);
onPasswordRequired(route);
window.addEventListener('signboard:password-changed', route);
renderUserBox();
route();
