// Notifications on the pages. In the header of the portal and the console: a "消息" button
// with the unread count; it opens the messages, each linking to its application (opening one
// marks it read), with "全部标为已读". In the console, for the administrator: the failing and
// dead deliveries with their last error, the delivery figures and "重新发送".

import { api, session } from './api.js';
import { h, replace, heading, notice, nextId, fmtDate } from './dom.js';
import { MN } from './labels.js';

const EVENT = {
  submitted: '已提交',
  translation_supplied: '译文已提供',
  changes_requested: '需要修改',
  resubmitted: '重新提交',
  approved: '已批准',
  rejected: '未通过',
  revoked: '已撤销',
  extended: '已延期',
  due_soon: '即将到期',
  overdue: '已超期',
};

/** Seconds between looks for new messages while a page is open. */
const REFRESH_SECONDS = 30;

let button = null;
let timer = null;

function showCount(unread) {
  if (!button) return;
  const badge = button.querySelector('.badge');
  const n = Number(unread) || 0;
  badge.hidden = n === 0;
  badge.textContent = n > 99 ? '99+' : String(n);
  button.setAttribute('aria-label', n ? `消息，${n} 条未读` : '消息，没有未读');
}

/** Reads the unread count again (silently: a failure leaves the badge as it was). */
export async function refreshInbox() {
  if (!button || !session.get()) return;
  try {
    const r = await api('/notifications');
    showCount(r.unread);
  } catch {
    /* shown again at the next refresh */
  }
}

/** The header's "消息" button, or null while nobody (or a user owing a password) is signed in. */
export function inboxButton() {
  const s = session.get();
  if (!s || s.must_change_password) {
    button = null;
    return null;
  }
  button = h('button', { type: 'button', class: 'small inbox-button', onclick: openInbox }, '消息', h('span', { class: 'badge', hidden: true }));
  showCount(0);
  refreshInbox();
  if (!timer) {
    timer = setInterval(refreshInbox, REFRESH_SECONDS * 1000);
    window.addEventListener('hashchange', refreshInbox);
  }
  return button;
}

async function markRead(id) {
  try {
    const r = await api(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST', json: {} });
    showCount(r.unread);
  } catch {
    /* the message stays unread */
  }
}

function messageItem(m, close) {
  const href = `${location.pathname}#/app/${encodeURIComponent(m.application_id)}`;
  const link = h('a', { href, class: 'message-link', text: m.text });
  link.addEventListener('click', async () => {
    close();
    if (!m.read_at) await markRead(m.id);
  });
  return h(
    'li',
    { class: m.read_at ? 'message' : 'message unread', dataset: { id: m.id } },
    h('span', { class: 'message-meta' }, m.read_at ? null : h('strong', { class: 'unread-tag', text: '未读' }), h('span', { text: EVENT[m.event] || m.event }), ' · ', h('time', { datetime: m.created_at, text: fmtDate(m.created_at) })),
    link,
  );
}

/** The messages dialog. */
async function openInbox() {
  const titleId = nextId('inbox');
  const msg = h('div', { class: 'notice', hidden: true });
  const list = h('div', { class: 'messages' }, h('p', { class: 'hint', text: '正在读取……' }));
  const dialog = h('dialog', { class: 'modal inbox', 'aria-labelledby': titleId });
  const close = () => dialog.close();
  const readAll = h('button', {
    type: 'button',
    text: '全部标为已读',
    onclick: async () => {
      try {
        const r = await api('/notifications/read-all', { method: 'POST', json: {} });
        showCount(r.unread);
        load();
      } catch (err) {
        notice(msg, err.message, 'error');
      }
    },
  });
  async function load() {
    try {
      const r = await api('/notifications');
      showCount(r.unread);
      readAll.disabled = r.unread === 0;
      replace(list, r.items.length ? h('ul', { class: 'message-list' }, r.items.map((m) => messageItem(m, close))) : h('p', { class: 'empty', text: '还没有消息。' }));
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  }
  dialog.append(
    h('h2', { id: titleId, text: '消息' }),
    msg,
    list,
    h('div', { class: 'dialog-actions' }, readAll, h('button', { type: 'button', class: 'primary', text: '关闭', onclick: close })),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  await load();
}

// ---------------------------------------------------------------- administrator

const FILTERS = [
  ['', '全部异常'],
  ['failing', '重试中'],
  ['dead', '已放弃'],
];

function metricsLine(m) {
  const median = m.latency.median_ms == null ? '—' : `${(m.latency.median_ms / 1000).toFixed(1)} 秒`;
  return h(
    'dl',
    { class: 'facts notify-metrics' },
    h('dt', { text: '待投递' }), h('dd', { text: String(m.pending) }),
    h('dt', { text: '重试中' }), h('dd', { text: String(m.failing) }),
    h('dt', { text: '已放弃' }), h('dd', { text: String(m.dead) }),
    h('dt', { text: '已投递' }), h('dd', { text: String(m.delivered) }),
    h('dt', { text: '投递耗时（中位数）' }), h('dd', { text: median }),
  );
}

function troubleRow(n, msg, reload) {
  const resend = h('button', {
    type: 'button',
    class: 'small',
    text: '重新发送',
    'aria-label': `重新发送：${n.text}`,
    onclick: async () => {
      resend.disabled = true;
      try {
        await api(`/admin/notifications/${encodeURIComponent(n.id)}/resend`, { method: 'POST', json: {} });
        notice(msg, '已重新排队发送。', 'ok');
        reload();
      } catch (err) {
        notice(msg, err.message, 'error');
        resend.disabled = false;
      }
    },
  });
  return h(
    'tr',
    { dataset: { id: n.id } },
    h('td', { 'data-label': '时间', text: fmtDate(n.created_at) }),
    h('td', { 'data-label': '内容', class: 'shop', text: n.text }),
    h('td', { 'data-label': '状态', text: n.status === 'dead' ? '已放弃' : '重试中' }),
    h('td', { 'data-label': '尝试次数', text: String(n.attempts) }),
    h('td', { 'data-label': '最后错误', text: n.last_error || '' }),
    h('td', {}, resend),
  );
}

/** The console's delivery view (admin only). `msg` is the page's notice element. */
export function notificationsView(main, msg) {
  const list = h('div', { class: 'trouble-list' });
  const filterId = nextId('nf');
  const filter = h('select', { id: filterId }, FILTERS.map(([v, t]) => h('option', { value: v, text: t })));
  filter.addEventListener('change', load);
  async function load() {
    try {
      const q = filter.value ? `?status=${filter.value}` : '';
      const r = await api(`/admin/notifications${q}`);
      replace(
        list,
        metricsLine(r.metrics),
        r.items.length
          ? h(
              'table',
              { class: 'list trouble' },
              h('caption', { text: '投递异常的通知' }),
              h('thead', {}, h('tr', {}, ['时间', '内容', '状态', '尝试次数', '最后错误', '操作'].map((t) => h('th', { scope: 'col', text: t })))),
              h('tbody', {}, r.items.map((n) => troubleRow(n, msg, load))),
            )
          : h('p', { class: 'empty', text: '没有投递异常的通知。' }),
      );
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  }
  replace(
    main,
    h('p', {}, h('a', { href: '#/', text: '← 返回队列' })),
    heading(1, '通知投递', MN.console),
    msg,
    h('div', { class: 'field inline' }, h('div', { class: 'field-body' }, h('label', { for: filterId, text: '显示' }), filter)),
    list,
  );
  load();
}
