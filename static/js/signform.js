// The merchant's application form: shop fields, the sign, its texts and the design images, with
// the live preview and the live rule check beside the fields they concern. Used for a new
// application and, pre-filled, for a resubmission.

import { api, ApiError, upload } from './api.js';
import { h, mn, nextId, debounce, notice, replace } from './dom.js';
import { KIND, ARRANGEMENT, MN } from './labels.js';
import { licenseProblem } from './license.js';
import { groupOf, findingItem, findingList, VERDICT } from './findings.js';

const MAX_FILE = 10 * 1024 * 1024;
const MAX_FILES = 8;
const TYPES = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };
const MATERIALS = ['亚克力', '不锈钢', '铝板', '铜', '木质', '喷绘布', 'LED 灯珠'];
const TOWNSHIPS = ['大沁他拉镇', '八仙筒镇', '青龙山镇', '新镇', '治安镇', '东明镇', '沙日浩来镇', '义隆永镇', '白音他拉苏木', '明仁苏木', '固日班花苏木', '黄花塔拉苏木', '土城子乡'];

/** The first bytes of each accepted image type (the server checks again by decoding). */
async function sniff(file) {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const at = (i, bytes) => bytes.every((x, k) => b[i + k] === x);
  if (at(0, [0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return null;
}

function mb(n) {
  return n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The pixel size of a chosen image, read in the page (null when it cannot be decoded). */
async function dimensions(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width_px: bitmap.width, height_px: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return null;
  }
}

/**
 * Builds the form. `initial` is an ApplicationForm to pre-fill (resubmission) and `carried`
 * the sizes of the designs a resubmission keeps when no new one is chosen; `submit(fd,
 * onProgress)` sends the multipart body and resolves with the server's answer.
 */
export function createSignForm({ initial = null, carried = [], resubmit = false, submitLabel = '提交申请', extra = null, submit, onDone }) {
  const fields = {};
  const groups = {}; // finding group -> <ul> beside the field
  const msgs = {}; // field name -> message element
  let files = [];
  let idempotencyKey = crypto.randomUUID();

  function control(name, zh, mnLabel, input, { hint, group, wide } = {}) {
    const id = nextId(name.replace(/\W/g, '-'));
    input.id = id;
    if (!input.name) input.name = name;
    const msg = h('p', { class: 'field-msg', id: `${id}-msg`, hidden: true });
    const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
    input.setAttribute('aria-describedby', [hintEl && hintEl.id, msg.id].filter(Boolean).join(' '));
    msgs[name] = msg;
    fields[name] = input;
    const body = h('div', { class: 'field-body' });
    if (input.type === 'checkbox') {
      body.append(h('div', { class: 'check' }, input, h('label', { for: id, text: zh })));
    } else {
      body.append(h('label', { for: id, text: zh }), input);
    }
    if (hintEl) body.append(hintEl);
    body.append(msg);
    if (group) {
      const ul = h('ul', { class: 'findings inline', dataset: { group }, 'aria-live': 'polite' });
      groups[group] = ul;
      body.append(ul);
    }
    return h('div', { class: `field${wide ? ' wide' : ''}`, dataset: { field: name } }, mnLabel ? mn(mnLabel, 'mn-label') : null, body);
  }

  const text = (attrs = {}) => h('input', { type: 'text', ...attrs });
  const select = (options, value) =>
    h('select', {}, Object.entries(options).map(([v, t]) => h('option', { value: v, selected: v === value, text: t })));

  // --- shop ---
  const license = text({ autocomplete: 'off', maxlength: 18, inputmode: 'text', spellcheck: 'false', class: 'mono' });
  const licenseState = h('span', { class: 'license-ok', hidden: true, text: '✓ 代码有效' });
  const townList = h('datalist', { id: nextId('towns') }, TOWNSHIPS.map((t) => h('option', { value: t })));
  const shopSet = h(
    'fieldset',
    {},
    h('legend', {}, '店铺信息'),
    control('shop_name', '店铺名称', MN.shop, text({ maxlength: 100, autocomplete: 'organization', required: true })),
    control('license_no', '统一社会信用代码', MN.license, license, {
      hint: '营业执照上的 18 位代码，字母请用大写',
    }),
    control('address', '店铺地址', MN.address, text({ maxlength: 200, autocomplete: 'street-address', required: true })),
    control('township', '所在苏木乡镇', MN.township, text({ maxlength: 50, list: townList.id, required: true })),
    control('phone', '联系电话', MN.phone, h('input', { type: 'tel', maxlength: 20, autocomplete: 'tel', required: true })),
    townList,
  );
  fields.license_no.parentElement.insertBefore(licenseState, msgs.license_no);

  // --- the sign ---
  const num = (v) => h('input', { type: 'number', min: 1, max: 100000, step: 1, inputmode: 'numeric', value: v });
  const material = text({ list: nextId('materials'), maxlength: 20, value: '亚克力' });
  const materialList = h('datalist', { id: material.getAttribute('list') }, MATERIALS.map((m) => h('option', { value: m })));
  const signSet = h(
    'fieldset',
    {},
    h('legend', {}, '招牌'),
    control('kind', '招牌种类', MN.kind, select(KIND, 'shop_plaque')),
    h(
      'div',
      { class: 'row2' },
      control('width_mm', '宽度（毫米）', MN.size, num(4000)),
      control('height_mm', '高度（毫米）', null, num(1000)),
    ),
    control('arrangement', '蒙汉文字排列', MN.arrangement, select(ARRANGEMENT, 'horizontal'), { group: 'sign' }),
    control('material', '文字材质', MN.material, material, { hint: '蒙汉两种文字须用相同材质' }),
    materialList,
    control('illuminated', '文字带灯光（发光字、灯箱）', MN.light, h('input', { type: 'checkbox', checked: true })),
    control('background', '招牌底色', MN.color, h('input', { type: 'color', value: '#ffffff' })),
  );

  // --- the texts ---
  const zh = h('textarea', { rows: 2, maxlength: 200, spellcheck: 'false' });
  const mnText = h('textarea', { rows: 2, maxlength: 400, lang: 'mn-Mong', class: 'mn-input', spellcheck: 'false' });
  const ask = h('input', { type: 'checkbox' });
  const scale = select({ 1: '与汉字一样大（规定）', 0.9: '汉字的 90%', 0.8: '汉字的 80%', 0.5: '汉字的一半' }, '1');
  const textSet = h(
    'fieldset',
    {},
    h('legend', {}, '招牌文字'),
    control('texts.zh', '汉文', MN.zh, zh, { group: 'texts.zh', hint: '请用规范简化字；换行处按回车' }),
    control('texts.mn', '蒙古文', MN.mn, mnText, { group: 'texts.mn', hint: '传统蒙古文（竖写）。不会写可勾选下面的“请民委翻译”' }),
    control('translation_requested', '请民委翻译（蒙古文由旗民委翻译人员填写）', MN.translate, ask),
    control('texts.foreign', '外文（可不填）', MN.foreign, text({ maxlength: 200, lang: 'en' }), {
      group: 'texts.foreign',
    }),
    control('mn_scale', '蒙古文字号', MN.fontSize, scale, {
      group: 'layout',
      hint: '规定蒙汉文字一样大；选小了会提示不符合规定',
    }),
  );

  // --- designs ---
  // The native picker is labelled in the browser's language; a Chinese button opens it.
  const fileInput = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', multiple: true, class: 'file-input', tabindex: -1 });
  const pick = h('button', { type: 'button', text: '选择图片…', onclick: () => fileInput.click() });
  const fileList = h('ul', { class: 'files' });
  const designSet = h(
    'fieldset',
    {},
    h('legend', {}, '设计图'),
    control('design', resubmit ? '上传新的设计图（不上传则沿用原来的）' : '上传牌匾设计图', MN.design, fileInput, {
      group: 'designs',
      hint: 'PNG、JPEG 或 WebP 图片，每张不超过 10 MB，最多 8 张',
    }),
    fileList,
  );
  fields.design.parentElement.insertBefore(pick, fields.design.nextSibling);

  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': '上传进度' });
  const progressText = h('span', { class: 'progress-text', hidden: true });
  const formMsg = h('div', { class: 'notice', hidden: true });
  const submitBtn = h('button', { type: 'submit', class: 'primary', text: submitLabel });

  const form = h(
    'form',
    { class: 'sign-form', novalidate: true },
    shopSet,
    signSet,
    textSet,
    designSet,
    h('div', { class: 'submit-row' }, submitBtn, progress, progressText),
    formMsg,
  );

  // --- preview and findings ---
  const img = h('img', { class: 'preview-img', alt: '招牌效果图', hidden: true });
  const previewState = h('p', { class: 'preview-state', role: 'status', text: '填写尺寸和文字后，这里显示招牌效果图' });
  const verdict = h('p', { class: 'verdict', role: 'status' });
  const allFindings = h('div', { class: 'all-findings' });
  const aside = h(
    'aside',
    { class: 'preview-panel', 'aria-label': '效果图和检查结果' },
    // The verdict first: a tall vertical sign must not push it out of sight.
    verdict,
    h('h3', { class: 'bi' }, mn(MN.preview, 'mn-head'), h('span', { text: '效果图' })),
    h('div', { class: 'preview-frame' }, img, previewState),
    h('h3', { class: 'bi' }, mn(MN.findings, 'mn-head'), h('span', { text: '检查结果' })),
    allFindings,
  );

  // On a phone the preview is far below the fields: a bar at the top (it stays in view while
  // scrolling) carries the verdict, a thumbnail and a button to the full preview.
  aside.id = nextId('preview-panel');
  aside.tabIndex = -1;
  const miniImg = h('img', { class: 'mini-img', alt: '', hidden: true });
  const miniVerdict = h('span', { class: 'mini-verdict', text: '正在检查…' });
  const jump = h(
    'button',
    {
      type: 'button',
      class: 'small jump',
      'aria-controls': aside.id,
      onclick: () => {
        aside.scrollIntoView({ block: 'start' });
        aside.focus({ preventScroll: true });
      },
    },
    miniImg,
    h('span', { text: '查看效果图' }),
  );
  const miniBar = h('div', { class: 'preview-jump' }, h('span', { class: 'mini-label', text: '检查结果：' }), miniVerdict, jump);

  const el = h('div', { class: 'form-layout' }, miniBar, form, aside);

  // --- values ---
  function setMsg(name, message) {
    const m = msgs[name];
    if (!m) return;
    m.hidden = !message;
    m.textContent = message || '';
    fields[name].setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  function numberOf(input) {
    const v = Number(input.value);
    return input.value.trim() !== '' && Number.isFinite(v) && v > 0 ? v : null;
  }

  function baseSpec() {
    const width = numberOf(fields.width_mm);
    const height = numberOf(fields.height_mm);
    if (width == null || height == null) return null;
    const foreign = fields['texts.foreign'].value.trim();
    return {
      sign: {
        kind: fields.kind.value,
        width_mm: width,
        height_mm: height,
        arrangement: fields.arrangement.value,
        material: fields.material.value.trim() || null,
        illuminated: fields.illuminated.checked,
        background: fields.background.value.toUpperCase(),
      },
      texts: { mn: mnText.value.trim(), zh: zh.value.trim(), foreign: foreign || null },
      translation_requested: ask.checked,
      layout: null,
    };
  }

  /** The composed layout with the Mongolian block's font scaled as the merchant chose. */
  function scaled(layout) {
    const k = Number(scale.value);
    return {
      blocks: layout.blocks.map((b) => (b.script === 'mn' ? { ...b, font_size_mm: Math.round(b.font_size_mm * k * 10) / 10 } : b)),
    };
  }

  let layout = null; // explicit layout sent with the application (null: composed by the service)
  let seq = 0;
  let ctrl = null;
  let previewUrl = null;

  function showFindings(res) {
    for (const ul of Object.values(groups)) ul.replaceChildren();
    for (const f of res.findings) {
      const g = groups[groupOf(f.field)];
      if (g) g.append(findingItem(f));
    }
    verdict.className = `verdict v-${res.verdict}`;
    verdict.textContent = VERDICT[res.verdict] || '';
    miniVerdict.className = `mini-verdict v-${res.verdict}`;
    miniVerdict.textContent = VERDICT[res.verdict] || '';
    replace(allFindings, findingList(res.findings));
  }

  function showInvalid(err) {
    for (const d of err.details || []) {
      const name = d.field.startsWith('layout') ? 'mn_scale' : d.field.startsWith('sign.') ? d.field.slice(5) : d.field;
      setMsg(name in fields ? name : 'width_mm', d.message);
    }
  }

  async function live() {
    const my = ++seq;
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const { signal } = ctrl;
    const spec = baseSpec();
    for (const n of ['width_mm', 'height_mm']) setMsg(n, numberOf(fields[n]) == null ? '请填写大于 0 的数字（毫米）' : '');
    if (!spec) return;
    previewState.textContent = '正在更新效果图…';
    previewState.hidden = false;
    try {
      let check = null;
      let chosen = null;
      if (scale.value !== '1') {
        const composed = await api('/check', { method: 'POST', json: spec, signal });
        if (composed.layout) chosen = scaled(composed.layout);
      }
      const sent = { ...spec, layout: chosen };
      // The chosen images' sizes go with the check, so I3/I4 are told before submitting.
      const [c, blob] = await Promise.all([
        api('/check', { method: 'POST', json: { ...sent, designs: designInfos() }, signal }),
        api('/preview?width_px=960', { method: 'POST', json: sent, signal, as: 'blob' }),
      ]);
      check = c;
      if (my !== seq) return; // a newer request is on its way: the last one wins
      layout = chosen;
      for (const n of ['mn_scale', 'texts.mn', 'texts.zh', 'texts.foreign']) setMsg(n, '');
      showFindings(check);
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(blob);
      img.src = previewUrl;
      img.hidden = false;
      miniImg.src = previewUrl;
      miniImg.hidden = false;
      previewState.hidden = true;
    } catch (err) {
      if (err.name === 'AbortError' || my !== seq) return;
      previewState.hidden = false;
      previewState.textContent = err.message;
      if (err instanceof ApiError && err.details) showInvalid(err);
    }
  }
  const schedule = debounce(live, 300);

  // --- licence checked as typed ---
  license.addEventListener('input', () => {
    const up = license.value.toUpperCase();
    if (up !== license.value) {
      const pos = license.selectionStart;
      license.value = up;
      license.setSelectionRange(pos, pos);
    }
    const v = license.value.trim();
    let p = v.length === 0 ? null : licenseProblem(v);
    // While typing, a short code is not yet an error: say how many characters are left.
    if (p && v.length < 18 && !/只能|大写/.test(p)) p = `还差 ${18 - v.length} 位`;
    setMsg('license_no', p);
    licenseState.hidden = !(v.length === 18 && !p);
  });

  ask.addEventListener('change', () => {
    mnText.placeholder = ask.checked ? '可不填，由民委翻译人员填写' : '';
  });

  for (const input of Object.values(fields)) {
    if (input === fileInput || input === license) continue;
    input.addEventListener('input', () => {
      if (msgs[input.name] && input.name !== 'width_mm' && input.name !== 'height_mm') setMsg(input.name, '');
    });
  }
  for (const input of [fields.kind, fields.width_mm, fields.height_mm, fields.arrangement, fields.material, fields.illuminated, fields.background, zh, mnText, ask, fields['texts.foreign'], scale]) {
    input.addEventListener(input.tagName === 'SELECT' || input.type === 'checkbox' ? 'change' : 'input', schedule);
  }

  // --- designs, checked before sending ---
  /** What the check is told about the designs: the chosen ones, else the ones carried over. */
  function designInfos() {
    if (files.length === 0) return carried;
    return files.filter((f) => f.size).map((f) => f.size);
  }

  function renderFiles() {
    fileList.replaceChildren(
      ...files.map((f, i) =>
        h(
          'li',
          {},
          h('img', { src: f.url, alt: `设计图 ${i + 1}`, class: 'thumb' }),
          h('span', { class: 'file-name', text: f.file.name }),
          h('span', { class: 'file-size', text: mb(f.file.size) }),
          h('button', {
            type: 'button',
            class: 'link',
            text: '移除',
            'aria-label': `移除 ${f.file.name}`,
            onclick: () => {
              URL.revokeObjectURL(f.url);
              files.splice(i, 1);
              renderFiles();
              schedule();
              recount();
            },
          }),
        ),
      ),
    );
  }

  fileInput.addEventListener('change', async () => {
    const problems = [];
    for (const file of [...fileInput.files]) {
      if (files.length >= MAX_FILES) {
        problems.push(`最多上传 ${MAX_FILES} 张设计图，“${file.name}”没有加入`);
        continue;
      }
      const kind = await sniff(file);
      if (!kind || !TYPES[file.type] && file.type) {
        problems.push(`“${file.name}”不是 PNG、JPEG 或 WebP 图片`);
        continue;
      }
      if (file.size > MAX_FILE) {
        problems.push(`“${file.name}”有 ${mb(file.size)}，超过 10 MB，请压缩后再上传`);
        continue;
      }
      const size = await dimensions(file);
      if (!size) {
        problems.push(`“${file.name}”无法读取，可能已损坏，请换一张图片`);
        continue;
      }
      files.push({ file, url: URL.createObjectURL(file), size });
    }
    fileInput.value = '';
    setMsg('design', problems.join('；'));
    renderFiles();
    schedule();
    recount();
  });

  // --- fill (resubmission) ---
  function fill(a) {
    fields.shop_name.value = a.shop_name || '';
    license.value = a.license_no || '';
    fields.address.value = a.address || '';
    fields.township.value = a.township || '';
    fields.phone.value = a.phone || '';
    const s = a.sign || {};
    fields.kind.value = s.kind || 'shop_plaque';
    fields.width_mm.value = s.width_mm ?? '';
    fields.height_mm.value = s.height_mm ?? '';
    fields.arrangement.value = s.arrangement || 'horizontal';
    fields.material.value = s.material || '';
    fields.illuminated.checked = Boolean(s.illuminated);
    fields.background.value = (s.background || '#FFFFFF').toLowerCase();
    zh.value = a.texts?.zh || '';
    mnText.value = a.texts?.mn || '';
    fields['texts.foreign'].value = a.texts?.foreign || '';
    ask.checked = Boolean(a.translation_requested);
    // An explicit layout from before is replaced by the composed one at the chosen scale.
    scale.value = '1';
  }
  if (initial) fill(initial);

  // --- submit ---
  function application() {
    const spec = baseSpec();
    return {
      shop_name: fields.shop_name.value.trim(),
      license_no: license.value.trim(),
      address: fields.address.value.trim(),
      township: fields.township.value.trim(),
      phone: fields.phone.value.trim(),
      sign: spec ? spec.sign : null,
      texts: spec ? spec.texts : null,
      translation_requested: ask.checked,
      layout,
    };
  }

  function validate(a) {
    const problems = {};
    const need = (name, label) => {
      if (!fields[name].value.trim()) problems[name] = `请填写${label}`;
    };
    need('shop_name', '店铺名称');
    need('address', '店铺地址');
    need('township', '所在苏木乡镇');
    need('phone', '联系电话');
    const lp = licenseProblem(a.license_no);
    if (lp) problems.license_no = lp;
    if (a.phone && !/^\+?[0-9 -]+$/.test(a.phone)) problems.phone = '联系电话只能包含数字、空格和“-”';
    else if (a.phone && (a.phone.match(/\d/g) || []).length < 5) problems.phone = '联系电话格式不正确';
    if (!a.sign) {
      if (!numberOf(fields.width_mm)) problems.width_mm = '请填写大于 0 的数字（毫米）';
      if (!numberOf(fields.height_mm)) problems.height_mm = '请填写大于 0 的数字（毫米）';
    }
    if (!zh.value.trim()) problems['texts.zh'] = '请填写招牌上的汉文';
    if (!mnText.value.trim() && !ask.checked) problems['texts.mn'] = '请填写蒙古文，或勾选“请民委翻译”';
    if (!resubmit && files.length === 0) problems.design = '请至少上传一张牌匾设计图';
    return problems;
  }

  // Fields the error banner counts: 'client' (found before sending, re-checked as the fields
  // change) or 'server' (named by the server, cleared when that field is edited). The banner
  // follows them and goes away once every one is fixed.
  const flagged = new Map();
  let bannerCounts = false;

  function recount(changed) {
    if (flagged.size === 0) return;
    const problems = validate(application());
    for (const [name, source] of flagged) {
      if (source === 'client' ? !problems[name] : name === changed) flagged.delete(name);
    }
    if (flagged.size === 0) notice(formMsg, '');
    else if (bannerCounts) notice(formMsg, `还有 ${flagged.size} 处需要填写或修改，请看标红的地方`, 'error');
  }
  const nameOf = (target) => (target === fileInput ? 'design' : Object.keys(fields).find((n) => fields[n] === target));
  form.addEventListener('input', (e) => recount(nameOf(e.target)));
  form.addEventListener('change', (e) => recount(nameOf(e.target)));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice(formMsg, '');
    flagged.clear();
    for (const n of Object.keys(msgs)) if (n !== 'width_mm' && n !== 'height_mm') setMsg(n, '');
    const a = application();
    const problems = validate(a);
    const names = Object.keys(problems);
    if (names.length) {
      for (const n of names) {
        setMsg(n, problems[n]);
        flagged.set(n, 'client');
      }
      bannerCounts = true;
      notice(formMsg, `还有 ${names.length} 处需要填写或修改，请看标红的地方`, 'error');
      fields[names[0]].focus();
      return;
    }
    const fd = new FormData();
    // `extra`: fields the form does not show (the approved application a change replaces).
    fd.append('application', JSON.stringify(extra ? { ...a, ...extra } : a));
    for (const f of files) fd.append('design', f.file, f.file.name);
    submitBtn.disabled = true;
    progress.hidden = false;
    progressText.hidden = false;
    progress.value = 0;
    progressText.textContent = '正在上传 0%';
    try {
      const res = await submit(fd, (p) => {
        progress.value = Math.round(p * 100);
        progressText.textContent = p < 1 ? `正在上传 ${Math.round(p * 100)}%` : '上传完成，正在检查…';
      }, idempotencyKey);
      idempotencyKey = crypto.randomUUID();
      progressText.textContent = '已提交';
      if (onDone) onDone(res);
    } catch (err) {
      progress.hidden = true;
      progressText.hidden = true;
      if (err.details && Array.isArray(err.details)) {
        for (const d of err.details) {
          const n = d.field && (d.field.startsWith('sign.') ? d.field.slice(5) : d.field.startsWith('layout') ? 'mn_scale' : d.field);
          if (n && msgs[n]) {
            setMsg(n, d.message);
            flagged.set(n, 'server');
          }
        }
      } else if (err.details && err.details.file) {
        setMsg('design', err.message);
        flagged.set('design', 'server');
      }
      bannerCounts = false;
      notice(formMsg, err.message, 'error');
      formMsg.focus?.();
    } finally {
      submitBtn.disabled = false;
    }
  });

  schedule();
  return { el, fill, focus: () => fields.shop_name.focus() };
}

/** Sends a new application; the key makes a repeated click harmless. */
export function submitNew(fd, onProgress, key) {
  return upload('/applications', fd, onProgress, { 'Idempotency-Key': key });
}
