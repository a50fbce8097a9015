// The console shows what the API says blocks an action (`blocked_by`), not guards of its own.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, assertClean, createOfficial, createMerchant, submitApplication, applicationForm,
  consoleLogin, loginToken, unique, act, detail,
} from './lib.js';

let browser;
let translator;
let reviewer;

before(async () => {
  browser = await launch();
  translator = await createOfficial('translator');
  reviewer = await createOfficial('reviewer');
});

after(async () => {
  await browser?.close();
});

test('the approve panel lists the blockers the API names, and none once they are cleared', async () => {
  const merchant = await createMerchant();
  const app = await submitApplication(merchant.token, applicationForm({ shop_name: unique('待确认茶馆') }));
  const reviewerToken = await loginToken(reviewer.username, reviewer.password);
  const told = (await detail(reviewerToken, app.id)).blocked_by.approve;
  assert.deepEqual(told.map((b) => b.code), ['translation_unconfirmed']);

  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  await r.page.goto(`${BASE}/console.html#/app/${app.id}`);
  const notice = r.page.locator('.notice.warn[data-code="translation_unconfirmed"]');
  await notice.waitFor();
  assert.equal(await notice.textContent(), told[0].message);

  await act(await loginToken(translator.username, translator.password), app.id, 'confirm_translation');
  await r.page.reload();
  await r.page.getByRole('button', { name: '批准', exact: true }).waitFor();
  assert.equal(await r.page.locator('.notice.warn[data-code]').count(), 0);
  assertClean(r);
  await r.context.close();
});
