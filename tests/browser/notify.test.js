// Notifications on the pages: after a request for changes the portal header shows the unread
// badge, the message links to the application and reading it clears the badge; the
// administrator sees the dead deliveries (run.sh points the webhook at a closed port) and can
// send one again. On a 360 px wide phone, axe-clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, ADMIN_PASSWORD, launch, openPage, assertClean, assertAccessible, createOfficial, createMerchant,
  submitApplication, applicationForm, loginToken, unique, act, call, portalLogin, consoleLogin, shot,
} from './lib.js';

let browser;
let reviewer;

before(async () => {
  browser = await launch();
  reviewer = await createOfficial('reviewer');
});

after(async () => {
  await browser?.close();
});

test('a request for changes shows the unread badge; the message opens the application and clears it', async () => {
  const merchant = await createMerchant();
  const shop = unique('待修改茶馆');
  const app = await submitApplication(merchant.token, applicationForm({ shop_name: shop }));
  // The submission's receipt is read already: only the request for changes will be unread.
  await call('POST', '/notifications/read-all', { token: merchant.token, json: {} });
  await act(await loginToken(reviewer.username, reviewer.password), app.id, 'request_changes', { items: [{ message: '蒙古文字号偏小' }] });

  const r = await openPage(browser, { width: 360, height: 780 });
  await portalLogin(r.page, merchant);
  const inbox = r.page.getByRole('button', { name: '消息，1 条未读' });
  await inbox.waitFor();
  assert.equal(await r.page.locator('.inbox-button .badge').textContent(), '1');
  const overflow = await r.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is wider than the phone by ${overflow}px`);
  await assertAccessible(r.page, 'the portal with an unread message');
  await shot(r.page, 'notify-portal-badge-360.png');

  await inbox.click();
  const dialog = r.page.getByRole('dialog', { name: '消息' });
  await dialog.waitFor();
  const link = dialog.getByRole('link', { name: /需要修改/ });
  await link.waitFor();
  assert.match(await link.textContent(), new RegExp(`“${shop.slice(0, 15)}`));
  assert.ok((await link.getAttribute('href')).endsWith(`#/app/${app.id}`));
  assert.equal(await dialog.locator('.message.unread').count(), 1);
  await assertAccessible(r.page, 'the messages dialog');
  await shot(r.page, 'notify-portal-messages-360.png');

  await link.click();
  await r.page.getByRole('button', { name: '消息，没有未读' }).waitFor();
  assert.equal(await r.page.locator('.inbox-button .badge').isVisible(), false);
  assert.equal(new URL(r.page.url()).hash, `#/app/${app.id}`);
  await r.page.getByText(shop).first().waitFor();
  assert.equal((await call('GET', '/notifications', { token: merchant.token })).unread, 0);
  assertClean(r);
  await r.context.close();
});

test('the administrator sees dead deliveries with their error and sends one again', async () => {
  const merchant = await createMerchant();
  await submitApplication(merchant.token, applicationForm({ shop_name: unique('投递茶馆') }));
  const admin = await loginToken('admin', ADMIN_PASSWORD);
  // The webhook of the test server is a closed port: the receipt dies after its attempts.
  let dead = [];
  for (let i = 0; i < 100 && dead.length === 0; i++) {
    dead = (await call('GET', '/admin/notifications?status=dead', { token: admin })).items;
    if (dead.length === 0) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(dead.length > 0, 'a dead notification');

  const r = await openPage(browser, { width: 360, height: 780 });
  await consoleLogin(r.page, { username: 'admin', password: ADMIN_PASSWORD });
  await r.page.getByRole('link', { name: '通知投递' }).click();
  await r.page.getByRole('heading', { name: '通知投递' }).waitFor();
  await r.page.getByLabel('显示').selectOption('dead');
  const row = r.page.locator(`tr[data-id="${dead[0].id}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /已放弃/);
  assert.match(await row.textContent(), /无法连接接收方/);
  await assertAccessible(r.page, 'the delivery view');
  await shot(r.page, 'notify-console-dead-360.png');

  await row.getByRole('button', { name: /^重新发送/ }).click();
  await r.page.getByText('已重新排队发送。').waitFor();
  assertClean(r);
  await r.context.close();
});
