// Headless Chromium drawing the same sign as POST /api/v1/preview, from HTML/CSS, and capturing
// a PNG over CDP: the yardstick for the preview's speed (benches/load/compare.sh runs it).
//
// The layout comes from the running service (POST /api/v1/check), so both draw the same
// blocks with the same fonts (served here with a long cache lifetime: warm runs read them from
// Chromium's cache). Every picture has another background, as with VARY=1 in wrk. Prints one
// JSON line: median and quartiles of a warm draw-and-capture in ms, and pictures per second.
//
//   SIGNBOARD_URL=http://127.0.0.1:8080 SIGN=benches/load/sign.json node benches/load/chromium.mjs
// Env: WIDTH (1200), RUNS (60), WARMUP (5), CHROMIUM_PATH (/usr/bin/chromium), OUT_DIR (keeps
// the last picture of each side for a look).

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');

const base = process.env.SIGNBOARD_URL || 'http://127.0.0.1:8080';
const sign = JSON.parse(readFileSync(process.env.SIGN || path.join(here, 'sign.json'), 'utf8'));
const width = Number(process.env.WIDTH || 1200);
const runs = Number(process.env.RUNS || 60);
const warmup = Number(process.env.WARMUP || 5);
const outDir = process.env.OUT_DIR;

const fonts = {
  '/mn.ttf': readFileSync(path.join(root, 'fonts/NotoSansMongolian-Regular.ttf')),
  '/zh.ttf': readFileSync(path.join(root, 'fonts/NotoSansSC-Regular-subset.ttf')),
};

async function post(url, body) {
  const res = await fetch(base + url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

const layout = (await (await post('/api/v1/check', sign)).json()).layout;
const longMm = Math.max(sign.sign.width_mm, sign.sign.height_mm);
const k = width / longMm; // px per mm, as the renderer
const picture = {
  w: Math.round(sign.sign.width_mm * k),
  h: Math.round(sign.sign.height_mm * k),
};

const esc = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

function blockHtml(b) {
  const text = b.text ?? sign.texts[b.script === 'foreign' ? 'foreign' : b.script] ?? '';
  const em = b.font_size_mm * k;
  const vertical = b.orientation === 'vertical';
  const mode = !vertical ? 'horizontal-tb' : b.script === 'zh' ? 'vertical-rl' : 'vertical-lr';
  const family = b.script === 'mn' ? 'mn, zh' : 'zh, mn';
  const glow = b.illuminated ? 'background: rgba(255,255,255,0.08);' : '';
  return `<div class="b" style="left:${b.x * k}px; top:${b.y * k}px; width:${b.w * k}px;
    height:${b.h * k}px; ${glow}"><span data-stretch="${b.fit === 'stretch' ? 1 : 0}"
    data-vertical="${vertical ? 1 : 0}" style="font-family:${family}; font-size:${em}px;
    writing-mode:${mode}; color:${b.color}">${esc(text).replace(/\n/g, '<br>')}</span></div>`;
}

const blocks = layout.blocks.map(blockHtml).join('\n');

function page(bg) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
@font-face { font-family: mn; src: url(/mn.ttf); }
@font-face { font-family: zh; src: url(/zh.ttf); }
html, body { margin: 0; }
#sign { position: relative; width: ${picture.w}px; height: ${picture.h}px; background: #${bg};
  overflow: hidden; }
.b { position: absolute; display: flex; align-items: center; justify-content: center; }
.b span { white-space: pre; line-height: 1.2; text-align: center; }
</style></head><body><div id="sign">${blocks}</div><script>
// Fit "stretch": scale the text along its lines to the box, as the renderer does.
for (const s of document.querySelectorAll('[data-stretch="1"]')) {
  const box = s.parentElement.getBoundingClientRect(), r = s.getBoundingClientRect();
  const f = s.dataset.vertical === '1' ? box.height / r.height : box.width / r.width;
  s.style.transform = s.dataset.vertical === '1' ? 'scaleY(' + f + ')' : 'scaleX(' + f + ')';
}
</script></body></html>`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const font = fonts[url.pathname];
  if (font) {
    res.writeHead(200, { 'Content-Type': 'font/ttf', 'Cache-Control': 'max-age=86400' });
    return res.end(font);
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(page(url.searchParams.get('bg') || '8B1A1A'));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: picture.w, height: picture.h } });
const tab = await context.newPage();

async function draw(i) {
  const bg = '8B' + (i % 65536).toString(16).toUpperCase().padStart(4, '0');
  await tab.goto(`${origin}/sign?bg=${bg}`, { waitUntil: 'load' });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  return tab.screenshot({ type: 'png', clip: { x: 0, y: 0, width: picture.w, height: picture.h } });
}

let png;
for (let i = 0; i < warmup; i++) png = await draw(i);
const times = [];
const started = performance.now();
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  png = await draw(warmup + i);
  times.push(performance.now() - t);
}
const total = performance.now() - started;
await browser.close();
server.close();

if (outDir) {
  writeFileSync(path.join(outDir, 'chromium.png'), png);
  const ours = await post(`/api/v1/preview?width_px=${width}`, sign);
  writeFileSync(path.join(outDir, 'signboard.png'), Buffer.from(await ours.arrayBuffer()));
}

times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(JSON.stringify({
  width: picture.w,
  height: picture.h,
  runs,
  median_ms: +q(0.5).toFixed(2),
  p25_ms: +q(0.25).toFixed(2),
  p75_ms: +q(0.75).toFixed(2),
  per_s: +(runs / (total / 1000)).toFixed(1),
  png_bytes: png.length,
}));
