// The statutory clock on the pages: days left in the officials' queue (red when overdue, amber
// when due soon, always said in words too), the clock and the holder of a case in the detail
// with claim / assign / extend, the legal date for the merchant, and the on-time rate.

import { api } from './api.js';
import { h, nextId, notice } from './dom.js';

/** `2026-12-18` → `12 月 18 日`. */
export function monthDay(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
  return m ? `${Number(m[2])} 月 ${Number(m[3])} 日` : '';
}

/** The days-left cell of a queue row. */
export function dueCell(a) {
  if (a.clock_state === 'paused') return h('span', { class: 'due paused', text: '暂停计时（待商户修改）' });
  if (a.clock_state === 'stopped') return h('span', { class: 'due stopped', text: '已办结' });
  const left = a.remaining_working_days;
  const date = a.due_on ? `期限 ${monthDay(a.due_on)}` : '';
  if (a.overdue) {
    return h('span', { class: 'due overdue', dataset: { state: 'overdue' } }, h('strong', { text: `已逾期 ${Math.max(1, -left)} 个工作日` }), h('span', { class: 'due-date', text: date }));
  }
  if (a.due_soon) {
    return h('span', { class: 'due soon', dataset: { state: 'due-soon' } }, h('strong', { text: left === 0 ? '今天到期' : `即将到期：剩 ${left} 个工作日` }), h('span', { class: 'due-date', text: date }));
  }
  return h('span', { class: 'due', dataset: { state: 'running' } }, h('span', { text: `剩 ${left} 个工作日` }), h('span', { class: 'due-date', text: date }));
}

/** The clock's facts for the detail's list of facts: [label, value] pairs. */
export function clockFacts(d) {
  const c = d.clock;
  const facts = [];
  if (c.state === 'running') {
    const state = c.overdue ? `已逾期 ${-c.remaining_working_days} 个工作日` : `剩 ${c.remaining_working_days} 个工作日`;
    facts.push(['办结期限', `${c.due_on}（${state}${c.provisional ? '，次年节假日尚未公布，期限暂按周一至周五计算' : ''}）`]);
  } else if (c.state === 'paused') {
    facts.push(['办结期限', `暂停计时，等待商户修改（已用 ${c.used_working_days} 个工作日，尚余 ${c.remaining_working_days} 个）`]);
  } else {
    const verdict = c.decided_within_limit === true ? '，按期办结' : c.decided_within_limit === false ? '，超期办结' : '';
    facts.push(['办结期限', `${c.due_on || '—'}（用时 ${c.used_working_days} 个工作日${verdict}）`]);
  }
  facts.push(['法定时限', `${c.limit_working_days} 个工作日${c.extended_by ? `，已延长 ${c.extended_by} 个工作日` : ''}`]);
  facts.push(['承办人', d.assignee ? d.assignee.display_name || d.assignee.id : '尚无人认领']);
  return facts;
}

function field(label, input) {
  const id = nextId();
  input.id = id;
  return h('div', { class: 'field' }, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input));
}

/**
 * Claim, assign and extend in the detail, as the API offers them. `send(body, msgEl)` sends a
 * transition; `msg` shows refusals.
 */
export function holderPanel(d, me, send, msg) {
  const acts = d.available_actions;
  const box = h('div', { class: 'panel clock-panel' });
  if (acts.includes('claim') && !(d.assignee && d.assignee.id === me)) {
    box.append(
      h('h3', { text: '认领' }),
      h('p', { class: 'hint', text: d.assignee ? `目前由 ${d.assignee.display_name} 承办，认领后改由您承办。` : '认领后由您承办，可在“我的待办”中找到。' }),
      h('button', { type: 'button', text: '认领此件', onclick: () => send({ action: 'claim' }, msg) }),
    );
  }
  if (acts.includes('assign')) {
    const select = h('select', {}, h('option', { value: '', text: '正在读取工作人员…' }));
    api('/users')
      .then((users) => {
        const officials = users.filter((u) => u.role !== 'merchant' && !u.disabled);
        select.replaceChildren(h('option', { value: '', text: '请选择' }), ...officials.map((u) => h('option', { value: u.id, text: `${u.display_name || u.username}（${u.username}）` })));
      })
      .catch(() => select.replaceChildren(h('option', { value: '', text: '无法读取工作人员' })));
    box.append(
      h('h3', { text: '指派承办人' }),
      field('承办人', select),
      h('button', {
        type: 'button',
        text: '指派',
        onclick: () => (select.value ? send({ action: 'assign', assignee: select.value }, msg) : notice(msg, '请选择承办人', 'error')),
      }),
    );
  }
  if (acts.includes('extend')) {
    // The most days is the profile's; the service names it when a request asks for more.
    const days = h('input', { type: 'number', min: 1, step: 1, value: 5, inputmode: 'numeric' });
    const reason = h('textarea', { rows: 2, maxlength: 2000 });
    box.append(
      h('h3', { text: '延长办理期限' }),
      h('p', { class: 'hint', text: '经负责人批准可延长一次，须写明理由；延长后商户可以看到新的期限。' }),
      field('延长的工作日数', days),
      field('延长理由（必填）', reason),
      h('button', {
        type: 'button',
        text: '延长期限',
        onclick: () => {
          if (!reason.value.trim()) return notice(msg, '延长办理期限必须写明理由', 'error');
          send({ action: 'extend', days: Number(days.value), reason: reason.value.trim() }, msg);
        },
      }),
    );
  }
  return box.childElementCount ? box : null;
}

/** The merchant's view of the clock: the legal date, or that it waits for their changes. */
export function portalDue(d) {
  const c = d.clock;
  if (!c) return null;
  if (c.state === 'running' && c.due_on) {
    return h(
      'p',
      { class: 'notice info due-note' },
      h('strong', { text: `最迟 ${monthDay(c.due_on)}前办结` }),
      `（法定 ${c.limit_working_days} 个工作日${c.extended_by ? `，已延长 ${c.extended_by} 个工作日` : ''}，不含节假日）`,
    );
  }
  if (c.state === 'paused') {
    return h('p', { class: 'notice warn due-note', text: `办理时限暂停计算，等您修改后重新提交再继续（尚余 ${c.remaining_working_days} 个工作日）。` });
  }
  return null;
}

/** The on-time rate of a year, as words: "按期办结率 92%（23 / 25）". */
export function onTimeRate(y) {
  const decided = (y.decided_within_limit || 0) + (y.decided_late || 0);
  if (!decided) return '—';
  return `${Math.round((100 * y.decided_within_limit) / decided)}%（${y.decided_within_limit} / ${decided}）`;
}
