// Documents of an application (受理回执, 补正告知书, 决定书, 牌匾审批证): the list with download
// buttons (the PDFs need the bearer token, so they are fetched and saved as blobs), the
// reviewer's revocation form and the print button of the case file.

import { api } from './api.js';
import { h, append, notice, nextId, fmtDate } from './dom.js';

/** Saves a protected PDF under `name`. */
async function download(url, name, msg) {
  try {
    const blob = await api(url.replace(/^\/api\/v1/, ''), { as: 'blob' });
    const href = URL.createObjectURL(blob);
    const a = h('a', { href, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60000);
  } catch (err) {
    notice(msg, err.message, 'error');
  }
}

/** The documents section: one download button per document issued so far. */
export function documentsSection(d) {
  const msg = h('div', { class: 'notice', hidden: true });
  const list = h('ul', { class: 'documents', 'aria-busy': 'true' });
  const box = h('section', { class: 'documents-box no-print', 'aria-labelledby': 'docs-h' }, h('h2', { id: 'docs-h', text: '文书下载' }), msg, list);
  api(`/applications/${encodeURIComponent(d.id)}/documents`)
    .then((docs) => {
      list.removeAttribute('aria-busy');
      if (!docs.length) list.append(h('li', { class: 'hint', text: '暂无文书' }));
      for (const doc of docs) {
        const name = `${d.reference || d.id}-${doc.kind}.pdf`;
        list.append(
          h(
            'li',
            { dataset: { kind: doc.kind } },
            h('button', { type: 'button', class: 'small', text: `下载${doc.title}`, onclick: () => download(doc.url, name, msg) }),
            h('span', { class: 'meta', text: ` ${fmtDate(doc.issued_at)}` }),
          ),
        );
      }
    })
    .catch((err) => notice(msg, err.message, 'error'));
  return box;
}

/** The reviewer's form to revoke an approval (a reason is required). */
export function revokePanel(d, send, msg) {
  const id = nextId();
  const reason = h('textarea', { id, rows: 2, maxlength: 500 });
  return append(h('div', { class: 'revoke' }), [
    h('h3', { text: '撤销批准' }),
    h('p', { class: 'hint', text: '撤销后批准文号仍保留，扫描牌匾审批证二维码将显示“已撤销”及理由。' }),
    h('label', { for: id, text: '撤销理由（必填，公开显示）' }),
    reason,
    h('button', {
      type: 'button',
      class: 'danger',
      text: '撤销批准',
      onclick: () => {
        if (!reason.value.trim()) {
          notice(msg, '撤销批准时必须写明理由', 'error');
          reason.focus();
          return;
        }
        send({ action: 'revoke', reason: reason.value.trim() });
      },
    }),
  ]);
}

/** A button that prints the page (the print style sheet leaves out navigation and forms). */
export function printButton() {
  return h('button', { type: 'button', class: 'small no-print', text: '打印案卷', onclick: () => window.print() });
}
