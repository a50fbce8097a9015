// Pieces of an application's detail shared by the portal and the console: protected images,
// the event history, requested changes and the text diff of two revisions.

import { imageUrl } from './api.js';
import { h, fmtDate } from './dom.js';
import { ACTION, STATUS, ROLE, KIND, ARRANGEMENT } from './labels.js';

const urls = new Set();

/** Revokes the object URLs of the previous view. */
export function releaseImages() {
  for (const u of urls) URL.revokeObjectURL(u);
  urls.clear();
}

/** An <img> whose source needs the bearer header; loaded as a blob. */
export function protectedImg(url, alt, cls = '') {
  const img = h('img', { alt, class: `${cls} loading` });
  imageUrl(url)
    .then((u) => {
      urls.add(u);
      img.src = u;
      img.classList.remove('loading');
    })
    .catch((e) => {
      img.alt = `${alt}（${e.message}）`;
      img.classList.remove('loading');
      img.classList.add('broken');
    });
  return img;
}

export function statusBadge(status, label) {
  return h('span', { class: `status st-${status}`, text: label || STATUS[status] || status });
}

export function changeItems(items) {
  return h(
    'ol',
    { class: 'changes' },
    items.map((i) => h('li', {}, h('span', { text: i.message }), i.rule ? h('span', { class: 'rule', text: i.rule }) : null)),
  );
}

/**
 * The reviewer's 说明 that came with the last request for changes, for the "需要修改的地方"
 * box (it belongs with the items, not only in the history); null when there is none.
 */
export function changesComment(d) {
  const last = [...(d.events || [])].reverse().find((e) => e.action === 'request_changes');
  if (!last || !last.comment) return null;
  return h('div', { class: 'changes-comment' }, h('strong', { text: '审核人员说明：' }), h('p', { text: last.comment }));
}

export function eventList(events) {
  return h(
    'ol',
    { class: 'events' },
    events.map((e) =>
      h(
        'li',
        {},
        h('time', { datetime: e.created_at, text: fmtDate(e.created_at) }),
        ' ',
        h('strong', { text: ACTION[e.action] || e.action }),
        ' ',
        h('span', { class: 'actor', text: `${e.actor.display_name || ''}（${ROLE[e.actor_role] || e.actor_role}）` }),
        ' ',
        h('span', { class: 'move', text: `${e.from ? STATUS[e.from] + ' → ' : ''}${STATUS[e.to] || e.to}` }),
        h('span', { class: 'rev', text: ` · 第 ${e.revision} 版` }),
        e.action === 'extend' && e.details && e.details.days ? h('span', { class: 'extended', text: `（延长 ${e.details.days} 个工作日）` }) : null,
        e.comment ? h('p', { class: 'comment', text: e.comment }) : null,
        e.details && Array.isArray(e.details.items) ? changeItems(e.details.items) : null,
      ),
    ),
  );
}

/** The facts of a revision as lines of text, for the diff. */
export function specLines(spec) {
  const s = spec.sign;
  return [
    `汉文：${spec.texts.zh}`,
    `蒙古文：${spec.texts.mn || '（待翻译）'}`,
    `外文：${spec.texts.foreign || '（无）'}`,
    `请民委翻译：${spec.translation_requested ? '是' : '否'}`,
    `招牌种类：${KIND[s.kind] || s.kind}`,
    `尺寸：${s.width_mm} × ${s.height_mm} 毫米`,
    `排列：${ARRANGEMENT[s.arrangement] || s.arrangement}`,
    `材质：${s.material || '（未填）'}`,
    `灯光：${s.illuminated ? '有' : '无'}`,
    `底色：${s.background || '#FFFFFF'}`,
    `版面：${spec.layout ? '商户自定' : '系统排版'}`,
  ];
}

/** Character-level diff of two strings (LCS); returns [op, text] runs, op in '=', '-', '+'. */
export function diffChars(a, b) {
  const A = [...a];
  const B = [...b];
  const n = A.length;
  const m = B.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = A[i] === B[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out = [];
  const push = (op, c) => {
    if (out.length && out[out.length - 1][0] === op) out[out.length - 1][1] += c;
    else out.push([op, c]);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (A[i] === B[j]) {
      push('=', A[i]);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) push('-', A[i++]);
    else push('+', B[j++]);
  }
  while (i < n) push('-', A[i++]);
  while (j < m) push('+', B[j++]);
  return out;
}

/** A table of the two revisions' facts, changed lines marked with inserted/deleted text. */
export function specDiff(specA, specB) {
  const la = specLines(specA);
  const lb = specLines(specB);
  const rows = la.map((a, k) => {
    const b = lb[k];
    const [label] = a.split('：');
    const va = a.slice(label.length + 1);
    const vb = b.slice(label.length + 1);
    const same = va === vb;
    const cell = h('td', { class: 'diff' });
    if (same) cell.append(va);
    else {
      for (const [op, t] of diffChars(va, vb)) {
        if (op === '=') cell.append(t);
        else cell.append(h(op === '+' ? 'ins' : 'del', { text: t }));
      }
    }
    return h('tr', { class: same ? 'same' : 'changed' }, h('th', { scope: 'row', text: label }), cell);
  });
  return h('table', { class: 'diff-table' }, h('caption', { text: '改动（删去的划线，新加的加底色）' }), h('tbody', {}, rows));
}
