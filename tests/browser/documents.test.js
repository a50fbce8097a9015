// Documents after the decision in a real Chromium: the merchant downloads the certificate
// after approval; the public verification page at 360 px shows 有效, then 已撤销 after a
// revocation; the register page lists the approval with the licence masked. axe-core WCAG 2
// A/AA on each page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, shot, assertClean, createOfficial, createMerchant, submitApplication,
  applicationForm, call, loginToken, portalLogin, assertAccessible, act, unique,
} from './lib.js';

let browser;
let merchant;
let reviewer;
let id;
let shop;

before(async () => {
  browser = await launch();
  const translator = await createOfficial('translator');
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
