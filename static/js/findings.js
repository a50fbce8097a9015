// Findings of the rule check, shown in plain Chinese: a list, and routing each finding to the
// form field it concerns.

import { h } from './dom.js';
import { SEVERITY } from './labels.js';

/** The form group a finding's `field` belongs to. */
export function groupOf(field) {
  if (!field) return 'general';
  if (field.startsWith('texts.mn')) return 'texts.mn';
  if (field.startsWith('texts.zh')) return 'texts.zh';
  if (field.startsWith('texts.foreign')) return 'texts.foreign';
  if (field.startsWith('sign.')) return 'sign';
  if (field.startsWith('layout')) return 'layout';
  if (field.startsWith('designs')) return 'designs';
  return field;
}

/** One finding as a list item; the server's message already names the measured and expected values. */
export function findingItem(f) {
  return h(
    'li',
    { class: `finding sev-${f.severity}`, dataset: { rule: f.rule, code: f.code } },
    h('span', { class: 'badge', text: SEVERITY[f.severity] || f.severity }),
    ' ',
    h('span', { class: 'msg', text: f.message }),
    ' ',
    h('span', { class: 'rule', title: '规则编号', text: f.rule }),
  );
}

export function findingList(findings, emptyText = '没有发现问题') {
  if (!findings || findings.length === 0) {
    return h('p', { class: 'ok-line', text: emptyText });
  }
  return h('ul', { class: 'findings' }, findings.map(findingItem));
}

export const VERDICT = {
  pass: '符合规定',
  warn: '基本符合，有需要注意的地方',
  fail: '有不符合规定的地方，需要修改',
};
