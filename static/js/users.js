// The administrator's accounts of officials: create one, reset a password (the person must
// choose a new one at the next login), disable or enable an account, and read its audit events.

import { api, session } from './api.js';
import { h, replace, heading, notice, nextId, fmtDate } from './dom.js';
import { MN, ROLE } from './labels.js';

const EVENT = {
  created: '创建账号',
  password_reset: '管理员重置密码',
  password_changed: '本人修改密码',
  disabled: '停用账号',
  enabled: '启用账号',
};

function field(label, input, hint) {
  const id = nextId('u');
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input, hintEl));
}

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

function actorName(actor) {
  if (!actor) return '';
  if (typeof actor === 'string') return actor;
  return actor.display_name || actor.username || '';
}

function resetPassword(u, msg, reload) {
  const pass = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const err = h('div', { class: 'notice', hidden: true });
  modal(`重置“${u.username}”的密码`, (close) => {
    const form = h(
      'form',
      { novalidate: true },
      h('p', { text: `为 ${u.display_name}（${u.username}）设置一个临时密码。请当面或电话告知本人；对方下次登录时必须改成自己的新密码。` }),
      field('临时密码', pass, '至少 8 位'),
      err,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', text: '取消', onclick: close }), h('button', { type: 'submit', class: 'primary', text: '重置密码' })),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if ([...pass.value].length < 8) return notice(err, '临时密码至少 8 位', 'error');
      try {
        await api(`/users/${encodeURIComponent(u.id)}/password`, { method: 'POST', json: { new_password: pass.value }, as: 'text' });
        close();
        notice(msg, `已重置“${u.username}”的密码。对方下次登录时须修改密码。`, 'ok');
        reload();
      } catch (e2) {
        notice(err, e2.message, 'error');
      }
    });
    return form;
  });
  pass.focus();
}

async function setDisabled(u, disabled, msg, reload) {
  try {
    await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', json: { disabled } });
    notice(msg, disabled ? `已停用“${u.username}”，该账号立即不能再登录或办理。` : `已启用“${u.username}”。`, 'ok');
    reload();
  } catch (err) {
    notice(msg, err.message, 'error');
  }
}

async function showEvents(u, msg) {
  let events;
  try {
    events = await api(`/users/${encodeURIComponent(u.id)}/events`);
  } catch (err) {
    notice(msg, err.message, 'error');
    return;
  }
  modal(`账号记录：${u.username}`, (close) => [
    events.length
      ? h(
          'ol',
          { class: 'account-events' },
          events.map((e) => h('li', {}, h('time', { datetime: e.at, text: fmtDate(e.at) }), ' ', h('strong', { text: EVENT[e.kind] || e.kind }), ' ', h('span', { class: 'actor', text: actorName(e.actor) }))),
        )
      : h('p', { text: '没有记录。' }),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'primary', text: '关闭', onclick: close })),
  ]);
}

function userRow(u, me, msg, reload) {
  const self = u.id === me;
  const actions = [
    h('button', { type: 'button', class: 'small', text: '重置密码', 'aria-label': `重置密码：${u.username}`, onclick: () => resetPassword(u, msg, reload) }),
    self
      ? null
      : h('button', {
          type: 'button',
          class: `small${u.disabled ? '' : ' danger'}`,
          text: u.disabled ? '启用' : '停用',
          'aria-label': `${u.disabled ? '启用' : '停用'}：${u.username}`,
          onclick: () => setDisabled(u, !u.disabled, msg, reload),
        }),
    h('button', { type: 'button', class: 'small', text: '记录', 'aria-label': `账号记录：${u.username}`, onclick: () => showEvents(u, msg) }),
  ];
  const state = u.disabled ? '已停用' : u.must_change_password ? '待本人改密码' : '正常';
  return h(
    'tr',
    { class: u.disabled ? 'disabled' : '', dataset: { username: u.username } },
    h('td', { 'data-label': '用户名', text: u.username }),
    h('td', { 'data-label': '姓名', text: u.display_name }),
    h('td', { 'data-label': '岗位', text: ROLE[u.role] || u.role }),
    h('td', { 'data-label': '状态', class: 'account-state', text: state }),
    h('td', { 'data-label': '创建时间', text: fmtDate(u.created_at) }),
    h('td', {}, h('div', { class: 'row-actions' }, actions)),
  );
}

/** The accounts view of the console (admin only). `msg` is the page's notice element. */
export function usersView(main, msg) {
  const list = h('div', { class: 'users-list' });
  const f = {
    username: h('input', { type: 'text', autocomplete: 'off', maxlength: 32 }),
    display_name: h('input', { type: 'text', maxlength: 64 }),
    password: h('input', { type: 'password', autocomplete: 'new-password' }),
    role: h('select', {}, ['translator', 'reviewer', 'admin'].map((r) => h('option', { value: r, text: ROLE[r] }))),
  };
  const form = h(
    'form',
    { class: 'card-form narrow', novalidate: true },
    h('h2', { text: '新建工作人员账号' }),
    field('用户名', f.username, '3–32 位字母、数字、下划线、点或连字符'),
    field('姓名', f.display_name),
    field('初始密码', f.password, '至少 8 位，请告知本人后尽快修改'),
    field('岗位', f.role),
    h('button', { type: 'submit', class: 'primary', text: '创建账号' }),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const u = await api('/users', {
        method: 'POST',
        json: { username: f.username.value.trim(), display_name: f.display_name.value.trim(), password: f.password.value, role: f.role.value },
      });
      notice(msg, `已创建${ROLE[u.role]}账号“${u.username}”。`, 'ok');
      form.reset();
      load();
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  });
  async function load() {
    const me = session.get()?.user?.id;
    try {
      const users = await api('/users');
      replace(
        list,
        h(
          'table',
          { class: 'list users' },
          h('caption', { text: '工作人员' }),
          h('thead', {}, h('tr', {}, ['用户名', '姓名', '岗位', '状态', '创建时间', '操作'].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, users.map((u) => userRow(u, me, msg, load))),
        ),
      );
    } catch (err) {
      notice(msg, err.message, 'error');
    }
  }
  replace(main, h('p', {}, h('a', { href: '#/', text: '← 返回队列' })), heading(1, '工作人员账号', MN.console), msg, list, form);
  load();
}
