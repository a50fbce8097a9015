// Helpers of the browser tests: the browser, the API (accounts and applications made directly
// where a test is not about the form), test images and screenshots.

import { chromium } from 'playwright-core';
import { deflateSync } from 'node:zlib';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import assert from 'node:assert/strict';

export const BASE = process.env.SIGNBOARD_URL || 'http://127.0.0.1:8080';
export const ADMIN_PASSWORD = process.env.SIGNBOARD_ADMIN_PASSWORD;
const SHOTS = process.env.SCREENSHOT_DIR || path.resolve('../../target/screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context (its own sessionStorage) and page. Any JS dialog, page error or CSP
 * violation is recorded in `problems`, which every test asserts empty at its end.
 */
export async function openPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems, dialogs };
}

export async function shot(page, name, opts = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true, ...opts });
}

// ------------------------------------------------------------------ API

export async function call(method, url, { token, json, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const res = await fetch(BASE + '/api/v1' + url, { method, headers: h, body });
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return data;
}

export async function loginToken(username, password) {
  return (await call('POST', '/auth/login', { json: { username, password } })).token;
}

let seq = 0;
export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${++seq}`;
}

/** Creates an official through the admin API; returns its credentials. */
export async function createOfficial(role) {
  const admin = await loginToken('admin', ADMIN_PASSWORD);
  const username = unique(role.slice(0, 5));
  const password = 'pass-' + username;
  const names = { translator: '乌兰（翻译）', reviewer: '王审核', admin: '李管理' };
  await call('POST', '/users', { token: admin, json: { username, password, display_name: names[role], role } });
  return { username, password };
}

export async function createMerchant() {
  const username = unique('shop');
  const password = 'pass-' + username;
  await call('POST', '/auth/register', { json: { username, password, display_name: '巴特尔', phone: '13800000000' } });
  return { username, password, token: await loginToken(username, password) };
}

export const MN_TEXT = 'ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ';
export const ZH_TEXT = '奈曼旗民族商贸城';
export const LICENSE = '91350100M000100Y43';

export function applicationForm(overrides = {}) {
  return {
    shop_name: '奈曼民族商贸城',
    license_no: LICENSE,
    address: '大沁他拉镇团结路 18 号',
    township: '大沁他拉镇',
    phone: '0475-4212345',
    sign: { kind: 'shop_plaque', width_mm: 4000, height_mm: 1000, arrangement: 'horizontal', material: '亚克力', illuminated: true },
    texts: { mn: MN_TEXT, zh: ZH_TEXT },
    translation_requested: false,
    layout: null,
    ...overrides,
  };
}

/** Submits an application through the API (for tests that are not about the form). */
export async function submitApplication(token, form, png = makePng(1000, 250)) {
  const fd = new FormData();
  fd.append('application', JSON.stringify(form));
  fd.append('design', new Blob([png], { type: 'image/png' }), 'design.png');
  return call('POST', '/applications', { token, body: fd });
}

// ------------------------------------------------------------------ images

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG: a red sign board with two light bands standing for the two texts. */
export function makePng(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const band = (y > h * 0.15 && y < h * 0.42) || (y > h * 0.58 && y < h * 0.85);
      const inside = x > w * 0.06 && x < w * 0.94;
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = band && inside ? 250 : 170;
      raw[o + 1] = band && inside ? 220 : 20;
      raw[o + 2] = band && inside ? 120 : 30;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export function assertClean({ problems, dialogs }) {
  assert.deepEqual(dialogs, [], 'no JS dialog may open');
  assert.deepEqual(problems, [], 'no page errors or CSP violations');
}

/** Logs in on the console page with the keyboard only. */
export async function consoleLogin(page, { username, password }) {
  await page.goto(BASE + '/console.html');
  await page.getByLabel('用户名', { exact: true }).focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}

/** Every visible form control has a label (a <label>, aria-label or aria-labelledby). */
export async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.closest('[hidden]'))
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, [], 'every input has a label');
}

// ------------------------------------------------------------------ accessibility

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now (WCAG 2 A and AA rules) and fails on any violation.
 * The script is evaluated through the DevTools protocol, so the page's CSP stays as it is.
 */
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(violations, [], `axe-core WCAG 2 A/AA on ${what}`);
}

// ------------------------------------------------------------------ workflow through the API

export async function detail(token, id) {
  return call('GET', `/applications/${encodeURIComponent(id)}`, { token });
}

/** Performs a transition on the application's current version. */
export async function act(token, id, action, extra = {}) {
  const d = await detail(token, id);
  return call('POST', `/applications/${encodeURIComponent(id)}/transitions`, { token, json: { action, expected_version: d.version, ...extra } });
}

/** Logs in on the portal (on a phone the login form is behind its tab). */
export async function portalLogin(page, { username, password }) {
  await page.goto(BASE + '/portal.html');
  const tab = page.getByRole('tab', { name: '登录' });
  if (await tab.isVisible()) await tab.click();
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}
