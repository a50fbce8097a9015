// Documents after the decision in a real Chromium: the merchant downloads the certificate
// after approval; the public verification page at 360 px shows 有效, then 已撤销 after a
// revocation; the register page lists the approval with the licence masked. axe-core WCAG 2
// A/AA on each page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, shot, assertClean, createOfficial, createMerchant, submitApplication,
  applicationForm, call, loginToken, portalLogin, assertAccessible, act, unique, makePng, detail,
} from './lib.js';

let browser;
let merchant;
let reviewer;
let translatorAccount;
let id;
let shop;

before(async () => {
  browser = await launch();
  const translator = await createOfficial('translator');
  translatorAccount = translator;
  reviewer = await createOfficial('reviewer');
  merchant = await createMerchant();
  shop = unique('证书商店');
  const created = await submitApplication(merchant.token, applicationForm({ shop_name: shop }));
  id = created.id;
  const tr = await loginToken(translator.username, translator.password);
  const rv = await loginToken(reviewer.username, reviewer.password);
  await act(tr, id, 'confirm_translation');
  await act(rv, id, 'approve');
});

after(async () => {
  await browser?.close();
});

/** The verification token of the approval, from the public register. */
async function tokenOf(shopName) {
  const reg = await call('GET', `/register?q=${encodeURIComponent(shopName)}`);
  assert.equal(reg.total, 1);
  return reg.items[0].verify_url.split('/').pop();
}

test('the merchant downloads the certificate after approval', async () => {
  const m = await openPage(browser, { width: 360, height: 780 });
  const { page } = m;
  await portalLogin(page, merchant);
  await page.goto(`${BASE}/portal.html#/app/${encodeURIComponent(id)}`);
  await page.locator('h1.detail-title').waitFor();
  const button = page.getByRole('button', { name: '下载牌匾审批证' });
  await button.waitFor();
  await page.locator('p.reference strong').filter({ hasText: /^\d{4}-\d{4}$/ }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  assert.match(download.suggestedFilename(), /^\d{4}-\d{4}-certificate\.pdf$/);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  await shot(page, 'documents-portal-360.png');
  await assertAccessible(page, 'the portal detail with documents');
  assertClean(m);
  await m.context.close();
});

test('the verification page at 360 px shows 有效, then 已撤销', async () => {
  const token = await tokenOf(shop);
  const m = await openPage(browser, { width: 360, height: 780 });
  const { page } = m;
  await page.goto(`${BASE}/v/${token}`);
  const status = page.locator('.verify-status');
  await status.waitFor();
  assert.equal((await status.textContent()).trim(), '有效');
  await page.getByText(shop).first().waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('.verify-preview img');
    return img && img.complete && img.naturalWidth > 0;
  });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (${overflow}px)`);
  const text = await page.locator('main').textContent();
  assert.ok(text.includes('91350100********43'), 'licence masked');
  assert.ok(!text.includes('0475-4212345'), 'no phone');
  await shot(page, 'verify-valid-360.png');
  await assertAccessible(page, 'the verification page');

  const rv = await loginToken(reviewer.username, reviewer.password);
  await act(rv, id, 'revoke', { reason: '牌匾未按批准内容制作' });
  await page.reload();
  await status.waitFor();
  assert.equal((await status.textContent()).trim(), '已撤销');
  await page.getByText('牌匾未按批准内容制作').waitFor();
  await shot(page, 'verify-revoked-360.png');
  await assertAccessible(page, 'the verification page of a revoked approval');
  assertClean(m);
  await m.context.close();
});

test('the register lists approvals with the licence masked', async () => {
  const m = await openPage(browser, { width: 360, height: 780 });
  const { page } = m;
  await page.goto(`${BASE}/register.html`);
  await page.getByLabel('搜索店铺名称、地址或批准文号').fill(shop);
  const entry = page.locator('.reg-entry', { hasText: shop });
  await entry.waitFor();
  const text = await entry.textContent();
  assert.ok(text.includes('91350100********43') && text.includes('已撤销'), text);
  await shot(page, 'register-360.png');
  await assertAccessible(page, 'the register page');
  assertClean(m);
  await m.context.close();
});

test('an unknown token says so', async () => {
  const m = await openPage(browser, { width: 360, height: 780 });
  const { page } = m;
  await page.goto(`${BASE}/v/AAAAAAAAAAAAAAAA`);
  await page.getByText('查无此证').waitFor();
  await assertAccessible(page, 'the verification page of an unknown token');
  m.problems.length = 0; // the 404 of the lookup is logged by Chromium as a failed resource
  assertClean(m);
  await m.context.close();
});

test('the merchant applies to change an approved sign; once approved the old one verifies as 已变更', async () => {
  const name = unique('变更商店');
  const first = await submitApplication(merchant.token, applicationForm({ shop_name: name }));
  const rv = await loginToken(reviewer.username, reviewer.password);
  const tr = await loginToken(translatorAccount.username, translatorAccount.password);
  await act(tr, first.id, 'confirm_translation');
  await act(rv, first.id, 'approve');
  const oldToken = await tokenOf(name);

  const m = await openPage(browser);
  const { page } = m;
  await portalLogin(page, merchant);
  await page.goto(`${BASE}/portal.html#/app/${encodeURIComponent(first.id)}`);
  await page.getByRole('button', { name: '申请变更招牌' }).click();
  // The form comes filled in from the approved sign; a new design is uploaded.
  assert.equal(await page.getByLabel('店铺名称', { exact: true }).inputValue(), name);
  await page.getByLabel('上传牌匾设计图', { exact: true })
    .setInputFiles({ name: 'new-design.png', mimeType: 'image/png', buffer: makePng(1200, 300) });
  await page.locator('.files li', { hasText: 'new-design.png' }).waitFor();
  await assertAccessible(page, 'the change form on an approved application');
  await page.getByRole('button', { name: '提交变更申请' }).click();
  await page.getByText('变更申请已提交').waitFor();
  const newId = decodeURIComponent(new URL(page.url()).hash.replace('#/app/', ''));
  assert.notEqual(newId, first.id);
  const fresh = await detail(merchant.token, newId);
  assert.equal(fresh.replaces, first.id);
  assertClean(m);
  await m.context.close();

  // Still valid until the change is approved; then 已变更 with a link to the new approval.
  assert.equal((await call('GET', `/verify/${oldToken}`)).status, 'valid');
  await act(tr, newId, 'confirm_translation');
  await act(rv, newId, 'approve');
  const v = await call('GET', `/verify/${oldToken}`);
  assert.equal(v.status, 'superseded');
  assert.ok(JSON.stringify(v.replaced_by).length > 2, JSON.stringify(v));
});
