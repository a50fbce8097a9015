// The merchant portal: register and log in, apply for a sign, follow "my applications" and
// resubmit when changes are requested. Views are chosen by the URL hash.

import { api, login, session, upload } from './api.js';
import { portalDue } from './clock.js';
import { h, replace, heading, notice, nextId, fmtDate, mn } from './dom.js';
import { MN } from './labels.js';
import { createSignForm, submitNew } from './signform.js';
import { protectedImg, releaseImages, statusBadge, changeItems, changesComment, eventList } from './detail.js';
import { findingList, VERDICT } from './findings.js';
import { documentsSection } from './documents.js';
import { renderUserBox, onSessionEnd, onSessionStart, onPasswordRequired, onPasswordChanged, forcedPasswordView, followNext } from './shell.js';

const main = document.getElementById('main');
const flash = { text: '', kind: 'info' };

function setFlash(text, kind = 'info') {
  flash.text = text;
  flash.kind = kind;
}

function flashEl() {
  const el = h('div', { class: 'notice' });
  notice(el, flash.text, flash.kind);
  flash.text = '';
  return el;
}

function field(label, input, mnLabel) {
  const id = nextId();
  input.id = id;
  return h('div', { class: 'field' }, mnLabel ? mn(mnLabel, 'mn-label') : null, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input));
}

function authView() {
  const loginMsg = h('div', { class: 'notice', hidden: true });
  const user = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const loginForm = h(
    'form',
    { class: 'card-form', novalidate: true },
    heading(2, '登录', MN.login),
    field('用户名', user),
    field('密码', pass),
    h('button', { type: 'submit', class: 'primary', text: '登录' }),
    loginMsg,
  );
  loginForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await login(user.value.trim(), pass.value);
      if (r.role !== 'merchant') {
        setFlash('这是工作人员账号，请在“审批工作台”办理。');
      }
      renderUserBox();
      if (followNext()) return;
      // The page that was asked for (a pasted link keeps its hash through the login).
      route();
    } catch (err) {
      notice(loginMsg, err.message, 'error');
    }
  });

  const regMsg = h('div', { class: 'notice', hidden: true });
  const r = {
    display_name: h('input', { type: 'text', name: 'display_name', autocomplete: 'name', maxlength: 64 }),
    phone: h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', maxlength: 20 }),
    username: h('input', { type: 'text', name: 'new-username', autocomplete: 'username', maxlength: 32 }),
    password: h('input', { type: 'password', name: 'new-password', autocomplete: 'new-password' }),
  };
  const regForm = h(
    'form',
    { class: 'card-form', novalidate: true },
    heading(2, '新商户注册', MN.register),
    field('姓名', r.display_name),
    field('手机号码', r.phone),
    field('用户名（字母或数字，3–32 位）', r.username),
    field('密码（至少 8 位）', r.password),
    h('button', { type: 'submit', text: '注册并登录' }),
    regMsg,
  );
  regForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      username: r.username.value.trim(),
      password: r.password.value,
      display_name: r.display_name.value.trim(),
      phone: r.phone.value.trim() || null,
    };
    try {
      await api('/auth/register', { method: 'POST', json: body });
      await login(body.username, body.password);
      renderUserBox();
      setFlash('注册成功，现在可以填写招牌申请。', 'ok');
      go('#/new');
    } catch (err) {
      notice(regMsg, err.message, 'error');
    }
  });

  replace(
    main,
    heading(1, '商户申请', MN.portal),
    flashEl(),
    h('p', { class: 'lead', text: '登录后可在线申请招牌、查看审批进度。第一次使用请先注册。' }),
    authTabs(loginForm, regForm),
  );
}

/**
 * Login and registration side by side on a wide screen; on a phone one at a time behind two
 * tabs, registration first for someone who has never signed in with this browser.
 */
function authTabs(loginForm, regForm) {
  const panels = { login: loginForm, register: regForm };
  const tabs = {};
  const tablist = h('div', { class: 'auth-tabs', role: 'tablist', 'aria-label': '登录或注册' });
  const select = (key, focus) => {
    for (const [k, tab] of Object.entries(tabs)) {
      const on = k === key;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[k].classList.toggle('tab-inactive', !on);
    }
    if (focus) tabs[key].focus();
  };
  for (const [key, label] of [['register', '注册新账号'], ['login', '登录']]) {
    const panel = panels[key];
    panel.id = nextId(`auth-${key}`);
    tabs[key] = h('button', { type: 'button', role: 'tab', id: nextId('tab'), class: 'auth-tab', 'aria-controls': panel.id, text: label, onclick: () => select(key, false) });
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tabs[key].id);
    tablist.append(tabs[key]);
  }
  tablist.addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const now = tabs.login.getAttribute('aria-selected') === 'true' ? 'login' : 'register';
    select(now === 'login' ? 'register' : 'login', true);
  });
  select(session.returning() ? 'login' : 'register', false);
  return h('div', { class: 'auth' }, tablist, h('div', { class: 'two' }, loginForm, regForm));
}

async function mineView() {
  const list = h('div', { class: 'mine-list', 'aria-busy': 'true', text: '正在读取…' });
  replace(
    main,
    heading(1, '我的申请', MN.mine),
    flashEl(),
    h('p', {}, h('a', { class: 'button primary', href: '#/new', text: '＋ 申请新招牌' })),
    list,
  );
  try {
    const page = await api('/applications?per_page=100');
    list.removeAttribute('aria-busy');
    if (page.items.length === 0) {
      replace(list, h('p', { text: '还没有申请。点击“申请新招牌”开始。' }));
      return;
    }
    replace(
      list,
      h(
        'ul',
        { class: 'app-cards' },
        page.items.map((a) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: `#/app/${encodeURIComponent(a.id)}`, class: 'app-card' },
              h('strong', { class: 'shop', text: a.shop_name }),
              statusBadge(a.status),
              h('span', { class: 'meta mono', text: a.reference }),
              a.approval_no ? h('span', { class: 'approval', text: `批准文号：${a.approval_no}` }) : null,
              h('span', { class: 'meta', text: `提交于 ${fmtDate(a.submitted_at)} · 第 ${a.current_revision} 版` }),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    list.removeAttribute('aria-busy');
    replace(list, h('p', { class: 'notice error', role: 'alert', text: err.message }));
  }
}

function newView() {
  const form = createSignForm({
    submit: submitNew,
    onDone: (res) => {
      setFlash(res.status === 'translating' ? '申请已提交，正在等待民委翻译蒙古文。' : '申请已提交，正在审核。', 'ok');
      location.hash = `#/app/${encodeURIComponent(res.id)}`;
    },
  });
  replace(
    main,
    heading(1, '申请新招牌', MN.portal),
    flashEl(),
    h('p', { class: 'lead', text: '边填边看右侧（手机上在下方）的效果图和检查结果。标为“不符合”的问题须改正后才能批准。' }),
    form.el,
  );
}

function formFrom(d) {
  const rev = d.revisions[d.revisions.length - 1];
  return {
    shop_name: d.shop_name,
    license_no: d.license_no,
    address: d.address,
    township: d.township,
    phone: d.phone,
    sign: rev.spec.sign,
    texts: rev.spec.texts,
    translation_requested: rev.spec.translation_requested,
    layout: null,
  };
}

async function detailView(id) {
  releaseImages();
  replace(main, h('p', { 'aria-busy': 'true', text: '正在读取…' }));
  let d;
  try {
    d = await api(`/applications/${encodeURIComponent(id)}`);
  } catch (err) {
    replace(main, h('p', { class: 'notice error', role: 'alert', text: err.message }), h('a', { href: '#/mine', text: '返回我的申请' }));
    return;
  }
  const rev = d.revisions[d.revisions.length - 1];
  const parts = [
    h('p', {}, h('a', { href: '#/mine', text: '← 我的申请' })),
    h('h1', { class: 'detail-title' }, h('span', { class: 'shop', text: d.shop_name }), ' ', statusBadge(d.status, d.status_label)),
    h('p', { class: 'reference' }, '受理编号：', h('strong', { class: 'mono', text: d.reference })),
    flashEl(),
  ];
  if (d.approval_no) {
    parts.push(h('p', { class: 'approval-box' }, '批准文号：', h('strong', { class: 'approval-no', text: d.approval_no })));
  }
  if (d.status === 'translating') parts.push(h('p', { class: 'notice info', text: '民委翻译人员正在翻译或核对蒙古文，完成后进入审核。' }));
  const due = portalDue(d);
  if (due) parts.push(due);
  if (d.requested_changes && d.requested_changes.length) {
    parts.push(h('section', { class: 'requested' }, h('h2', { text: '需要修改的地方' }), changeItems(d.requested_changes), changesComment(d)));
  }
  const rejected = d.status === 'rejected' ? [...d.events].reverse().find((e) => e.action === 'reject') : null;
  if (rejected && rejected.comment) {
    parts.push(h('section', { class: 'requested' }, h('h2', { text: '不予批准的理由' }), h('p', { text: rejected.comment })));
  }
  parts.push(
    h(
      'section',
      { class: 'pair' },
      h('figure', {}, protectedImg(rev.preview_url + '?width_px=960', '按规定绘制的效果图', 'preview-img'), h('figcaption', { text: `效果图（第 ${rev.n} 版）` })),
      h(
        'div',
        {},
        h('h2', { text: '检查结果' }),
        h('p', { class: `verdict v-${rev.verdict}`, text: VERDICT[rev.verdict] }),
        findingList(rev.findings),
        h('h2', { text: '设计图' }),
        h('div', { class: 'thumbs' }, rev.attachments.map((a, i) => protectedImg(a.thumb_url, `设计图 ${i + 1}：${a.original_name}`, 'thumb-lg'))),
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: '统一社会信用代码' }),
      h('dd', { text: d.license_no }),
      h('dt', { text: '地址' }),
      h('dd', { text: `${d.township} ${d.address}` }),
      h('dt', { text: '联系电话' }),
      h('dd', { text: d.phone }),
      h('dt', { text: '招牌文字' }),
      h('dd', {}, h('span', { text: rev.spec.texts.zh }), ' / ', h('span', { class: 'mn-inline', lang: 'mn-Mong', text: rev.spec.texts.mn || '（待翻译）' })),
    ),
  );

  parts.push(documentsSection(d));
  const actionsBox = h('div', { class: 'actions' });
  const msg = h('div', { class: 'notice', hidden: true });
  if (d.available_actions.includes('withdraw')) {
    const confirmRow = h(
      'div',
      { class: 'confirm', hidden: true },
      h('span', { text: '确定撤回这份申请吗？撤回后不能恢复。' }),
      h('button', {
        type: 'button',
        class: 'danger',
        text: '确定撤回',
        onclick: async () => {
          try {
            await api(`/applications/${encodeURIComponent(d.id)}/transitions`, {
              method: 'POST',
              json: { action: 'withdraw', expected_version: d.version },
            });
            setFlash('申请已撤回。');
            detailView(id);
          } catch (err) {
            notice(msg, err.message, 'error');
            if (err.code === 'version_conflict') setTimeout(() => detailView(id), 1500);
          }
        },
      }),
      h('button', { type: 'button', text: '取消', onclick: () => (confirmRow.hidden = true) }),
    );
    actionsBox.append(h('button', { type: 'button', text: '撤回申请', onclick: () => (confirmRow.hidden = false) }), confirmRow);
  }
  parts.push(actionsBox, msg);

  if (d.available_actions.includes('resubmit')) {
    const form = createSignForm({
      initial: formFrom(d),
      carried: rev.attachments.map((a) => ({ width_px: a.width, height_px: a.height })),
      resubmit: true,
      submitLabel: '修改后重新提交',
      submit: (fd, onProgress) => {
        const body = new FormData();
        body.append('transition', JSON.stringify({ action: 'resubmit', expected_version: d.version }));
        for (const [k, v] of fd.entries()) body.append(k, v);
        return upload(`/applications/${encodeURIComponent(d.id)}/transitions`, body, onProgress);
      },
      onDone: () => {
        setFlash('已重新提交，请等待审核。', 'ok');
        detailView(id);
      },
    });
    parts.push(h('section', { class: 'resubmit' }, h('h2', { text: '修改申请' }), h('p', { class: 'hint', text: '已按原申请填好，请按上面“需要修改的地方”改正后重新提交。' }), form.el));
  }

  if (d.status === 'approved') parts.push(changeSection(d));

  parts.push(h('section', {}, h('h2', { text: '办理经过' }), eventList(d.events)));
  replace(main, ...parts);
}

/** An approved sign is changed by a new application naming it (`replaces`); once that one is
 *  approved, the old certificate verifies as 已变更 with a link to the new one. */
function changeSection(d) {
  const section = h('section', { class: 'change-sign' }, h('h2', { text: '变更招牌' }));
  const open = h('button', {
    type: 'button',
    text: '申请变更招牌',
    onclick: () => {
      open.remove();
      const form = createSignForm({
        initial: formFrom(d),
        extra: { replaces: d.id },
        submitLabel: '提交变更申请',
        submit: submitNew,
        onDone: (res) => {
          setFlash('变更申请已提交。批准后，原审批证核验时将显示“已变更”。', 'ok');
          location.hash = `#/app/${encodeURIComponent(res.id)}`;
        },
      });
      section.append(h('p', { class: 'hint', text: '已按原招牌填好，请改成新的内容并上传新的设计图。新申请批准前，原审批证仍然有效。' }), form.el);
      form.focus();
    },
  });
  section.append(h('p', { class: 'hint', text: '招牌的文字、尺寸或材质要改动时，须重新申请审批。' }), open);
  return section;
}

/** Shows the view of `hash` (also when it is already the current one). */
function go(hash) {
  if (location.hash === hash || (!hash && !location.hash)) route();
  else location.hash = hash;
}

function route() {
  const s = session.get();
  const hash = location.hash || '#/mine';
  if (s && s.must_change_password) {
    forcedPasswordView(main, MN.portal);
    return;
  }
  if (!s || s.role !== 'merchant') {
    if (s && s.role !== 'merchant') {
      replace(
        main,
        heading(1, '商户申请', MN.portal),
        flashEl(),
        h('p', {}, '您登录的是工作人员账号。请到 ', h('a', { href: '/console.html', text: '审批工作台' }), ' 办理，或退出后用商户账号登录。'),
      );
      return;
    }
    authView();
    return;
  }
  const m = hash.match(/^#\/app\/(.+)$/);
  if (m) detailView(decodeURIComponent(m[1]));
  else if (hash === '#/new') newView();
  else mineView();
  main.focus({ preventScroll: true });
}

onSessionEnd((expired, message) => {
  setFlash(message || (expired ? '登录已过期，请重新登录。' : '已退出登录。'), message ? 'error' : 'info');
  go('');
});
onSessionStart(route);
onPasswordRequired(route);
onPasswordChanged(() => {
  setFlash('密码已修改。', 'ok');
  route();
});
window.addEventListener('hashchange', route);
renderUserBox();
route();
