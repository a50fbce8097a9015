// The translator's suggestion: the Mongolian the term base and the approved signs give for a
// shop's Chinese, each part marked with where it comes from (in words, not only colour), and
// one button to take it into the translation box for editing.

import { api } from './api.js';
import { h, replace } from './dom.js';

export const FROM = {
  term: '术语',
  memory: '已批准译文',
  literal: '原样保留',
  unknown: '无现成译法',
};

function partItem(p) {
  return h(
    'li',
    { class: `part from-${p.from}`, dataset: { from: p.from } },
    h('span', { class: 'part-from', text: FROM[p.from] || p.from }),
    h('span', { class: 'part-zh', text: p.zh }),
    p.mn ? h('span', { class: 'part-mn mn-inline', lang: 'mn-Mong', text: p.mn }) : h('span', { class: 'part-mn none', text: '（需人工翻译）' }),
    p.reference ? h('span', { class: 'part-ref', text: `出自 ${p.reference}` }) : null,
  );
}

function suggestionItem(s, k, many, onTake) {
  const pct = Math.round(s.coverage * 100);
  return h(
    'li',
    { class: 'suggestion' },
    h('p', { class: 'suggestion-mn mn-inline big', lang: 'mn-Mong', text: s.mn }),
    h('p', { class: 'hint', text: s.score >= 1 ? '与已批准的招牌汉文完全相同' : `覆盖汉文的 ${pct}%` }),
    h('ol', { class: 'parts', 'aria-label': `建议 ${k + 1} 的组成` }, s.parts.map(partItem)),
    h('button', { type: 'button', class: 'take', text: many ? `采用建议 ${k + 1}` : '采用此建议', onclick: () => onTake(s.mn) }),
  );
}

/** The suggestion box for a Chinese text; `onTake(mn)` puts a suggestion into the editor. */
export function suggestionBox(zh, onTake) {
  const status = h('p', { class: 'hint', role: 'status', text: '正在查找术语库和已批准的译文…' });
  const box = h('section', { class: 'suggest', 'aria-label': '译文建议' }, h('h4', { text: '译文建议' }), status);
  if (!zh || !zh.trim()) {
    status.textContent = '没有汉文，无法给出建议。';
    return box;
  }
  api('/translate/suggest', { method: 'POST', json: { zh } })
    .then((r) => {
      const unknown = r.unknown.length ? h('p', { class: 'unknown', text: `以下汉文没有现成译法，请人工翻译：${r.unknown.join('、')}` }) : null;
      if (r.suggestions.length === 0) {
        replace(box, h('h4', { text: '译文建议' }), h('p', { class: 'hint', text: '术语库和已批准的译文中没有可用的内容。' }), unknown);
        return;
      }
      replace(
        box,
        h('h4', { text: '译文建议' }),
        h('p', { class: 'hint', text: '建议只由已审定的术语和已批准招牌的译文组成。采用后可以继续修改。' }),
        h('ol', { class: 'suggestions' }, r.suggestions.map((s, k) => suggestionItem(s, k, r.suggestions.length > 1, onTake))),
        unknown,
      );
    })
    .catch((err) => {
      status.textContent = `无法取得建议：${err.message}`;
    });
  return box;
}
