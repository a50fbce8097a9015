// The public counts page: approvals per year as a bar chart drawn here in SVG, a table, the
// months of a chosen year and the CSV downloads.

import { api } from './api.js';
import { h, replace, heading } from './dom.js';
import { MN } from './labels.js';
import { onTimeRate } from './clock.js';

const main = document.getElementById('main');
const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const AXIS_PX = 13; // .chart .axis in app.css

/** Rough width of an axis label at AXIS_PX (digits are narrow, Chinese characters square). */
function labelWidth(text) {
  return [...String(text)].reduce((w, c) => w + (/[\x00-\x7f]/.test(c) ? 0.62 : 1) * AXIS_PX, 0);
}

/**
 * A bar chart: one bar per entry, the count written above each bar. It is drawn in the width
 * it will be shown at (no scaling), so its labels keep their size on a phone; an entry's
 * `short` label is used when the full ones do not fit, and labels are thinned if still crowded.
 */
function barChart(entries, title, unit = '') {
  const cs = getComputedStyle(main);
  const inner = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const W = Math.round(Math.min(760, Math.max(280, inner || 640)));
  const H = 260;
  const left = 36;
  const bottom = 32;
  const top = 20;
  const max = Math.max(1, ...entries.map((e) => e.value));
  const step = Math.pow(10, Math.floor(Math.log10(max)));
  const tick = max / step > 5 ? step * 2 : max / step > 2 ? step : Math.max(1, step / 2);
  const yMax = Math.ceil(max / tick) * tick;
  const plotH = H - bottom - top;
  const slot = (W - left - 8) / Math.max(1, entries.length);
  const barW = Math.min(48, slot * 0.6);
  const fits = (key) => entries.every((e) => labelWidth(e[key] ?? e.label) <= slot * 0.92);
  const key = fits('label') ? 'label' : 'short';
  const widest = Math.max(1, ...entries.map((e) => labelWidth(e[key] ?? e.label)));
  const every = Math.max(1, Math.ceil(widest / (slot * 0.92)));
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', 'aria-labelledby': '' });
  const titleEl = s('title', {}, title);
  titleEl.id = `chart-${Math.random().toString(36).slice(2)}`;
  svg.setAttribute('aria-labelledby', titleEl.id);
  svg.append(titleEl);
  for (let v = 0; v <= yMax; v += tick) {
    svg.append(s('line', { x1: left, x2: W - 4, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, v));
  }
  entries.forEach((e, k) => {
    const cx = left + slot * k + slot / 2;
    const g = s('g', { class: 'bar', 'data-label': e.label, 'data-value': e.value });
    g.append(s('title', {}, `${e.label}：${e.value}`));
    g.append(s('rect', { x: cx - barW / 2, y: y(e.value), width: barW, height: Math.max(0, top + plotH - y(e.value)), rx: 2 }));
    g.append(s('text', { x: cx, y: y(e.value) - 5, 'text-anchor': 'middle', class: 'value' }, e.value));
    if (k % every === 0) g.append(s('text', { x: cx, y: H - bottom + 18, 'text-anchor': 'middle', class: 'axis' }, e[key] ?? e.label));
    svg.append(g);
  });
  if (unit && key === 'short') svg.append(s('text', { x: left - 6, y: H - bottom + 18, 'text-anchor': 'end', class: 'axis' }, unit));
  return svg;
}

function table(caption, head, rows, cls = '') {
  return h(
    'table',
    { class: `list stats ${cls}` },
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, k) => (k === 0 ? h('th', { scope: 'row', text: c }) : h('td', { 'data-label': head[k], text: c })))))),
  );
}

async function yearDetail(year, box) {
  replace(box, h('p', { 'aria-busy': 'true', text: '正在读取…' }));
  try {
    const d = await api(`/stats/approvals?year=${year}`);
    const months = Array.from({ length: 12 }, (_, k) => {
      const m = (d.months || []).find((x) => x.month === k + 1);
      return { label: `${k + 1}月`, short: String(k + 1), value: m ? m.approved : 0 };
    });
    const towns = d.townships || [];
    replace(
      box,
      h('h2', { text: `${year} 年各月批准数量` }),
      h('p', { class: 'summary', text: `全年批准 ${d.approved ?? 0} 件，未通过 ${d.rejected ?? 0} 件，受理 ${d.submitted ?? 0} 件，办理中 ${d.pending ?? 0} 件。` }),
      h('p', { class: 'on-time', text: `按期办结率 ${onTimeRate(d)}${d.median_working_days != null ? `，办结用时中位数 ${d.median_working_days} 个工作日` : ''}（按法定时限计算，商户修改期间不计时）。` }),
      barChart(months, `${year} 年各月批准的招牌数量`, '月'),
      table(`${year} 年各月批准数量`, ['月份', '批准'], months.map((m) => [m.label, m.value]), 'months'),
      towns.length
        ? table(`${year} 年各苏木乡镇批准数量`, ['苏木乡镇', '批准'], towns.map((t) => [t.township, t.approved]), 'towns')
        : null,
      h('p', {}, h('a', { href: `/api/v1/stats/approvals?year=${year}&format=csv`, download: `approvals-${year}.csv`, class: 'button', text: `下载 ${year} 年表格（CSV）` })),
    );
  } catch (err) {
    replace(box, h('p', { class: 'notice error', role: 'alert', text: err.message }));
  }
}

async function render() {
  replace(main, heading(1, '招牌批准数量', MN.stats), h('p', { 'aria-busy': 'true', text: '正在读取…' }));
  let years;
  try {
    years = (await api('/stats/approvals')).years;
  } catch (err) {
    replace(main, heading(1, '招牌批准数量', MN.stats), h('p', { class: 'notice error', role: 'alert', text: err.message }));
    return;
  }
  const thisYear = new Date().getFullYear();
  years = [...years].sort((a, b) => a.year - b.year);
  if (!years.some((y) => y.year === thisYear)) years.push({ year: thisYear, approved: 0, rejected: 0, submitted: 0, pending: 0 });
  const chooser = h('select', { id: 'year-select' }, [...years].reverse().map((y) => h('option', { value: y.year, text: `${y.year} 年` })));
  const detail = h('section', { class: 'year-detail', 'aria-live': 'polite' });
  chooser.addEventListener('change', () => yearDetail(chooser.value, detail));
  replace(
    main,
    heading(1, '招牌批准数量', MN.stats),
    h('p', { class: 'lead', text: '每年批准的蒙汉双语招牌数量（按批准日期统计）。' }),
    h('section', {}, h('h2', { text: '各年批准数量' }), barChart(years.map((y) => ({ label: String(y.year), short: `’${String(y.year).slice(2)}`, value: y.approved })), '各年批准的招牌数量')),
    table('各年数量', ['年份', '批准', '未通过', '受理', '办理中', '按期办结率'], [...years].reverse().map((y) => [String(y.year), y.approved, y.rejected, y.submitted, y.pending, onTimeRate(y)]), 'years'),
    h('p', {}, h('a', { href: '/api/v1/stats/approvals?format=csv', download: 'approvals.csv', class: 'button', text: '下载各年表格（CSV）' })),
    h('div', { class: 'field inline' }, h('div', { class: 'field-body' }, h('label', { for: 'year-select', text: '查看某一年的各月数量' }), chooser)),
    detail,
  );
  yearDetail(chooser.value, detail);
}

render();
