// The statutory clock in the pages: the console's queue puts the overdue application first and
// marks it red (in words too), "我的待办" shows the cases the official holds, the detail extends
// the limit, the merchant sees the legal date; axe-clean, and usable at 360 px.
//
// An overdue application needs a submission weeks ago: the test moves one application's events
// back in the database (sqlite3, on the file run.sh gives as SIGNBOARD_TEST_DATABASE), then
// claims it through the API, and the service replays its clock from the moved events.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BASE, launch, openPage, assertClean, createOfficial, createMerchant, submitApplication, applicationForm,
  consoleLogin, portalLogin, loginToken, unique, act, detail, shot, assertAccessible,
} from './lib.js';

let browser;
let reviewer;
let merchant;
let overdue;
let onTime;
const onTimeName = unique('按期茶馆');

/** Moves an application's submission (and every event of it) `days` back. */
function backdate(id, days) {
  const db = process.env.SIGNBOARD_TEST_DATABASE;
  assert.ok(db, 'run.sh sets SIGNBOARD_TEST_DATABASE');
  assert.match(id, /^[0-9a-f-]{36}$/);
  const shift = `'-${Number(days)} days'`;
  execFileSync('sqlite3', [
    db,
    `PRAGMA busy_timeout = 5000;
     UPDATE events SET created_at = datetime(created_at, ${shift}) WHERE application_id = '${id}';
     UPDATE applications SET submitted_at = datetime(submitted_at, ${shift}) WHERE id = '${id}';`,
  ]);
}

before(async () => {
  browser = await launch();
  reviewer = await createOfficial('reviewer');
  merchant = await createMerchant();
  overdue = await submitApplication(merchant.token, applicationForm({ shop_name: unique('逾期茶馆') }));
  onTime = await submitApplication(merchant.token, applicationForm({ shop_name: onTimeName }));
  backdate(overdue.id, 60);
  // The claim is an event like any other: the clock is replayed from the moved history.
  await act(await loginToken(reviewer.username, reviewer.password), overdue.id, 'claim');
});

after(async () => {
  await browser?.close();
});

test('the overdue application comes first, in red and in words, and 我的待办 shows mine', async () => {
  const token = await loginToken(reviewer.username, reviewer.password);
  const d = await detail(token, overdue.id);
  assert.equal(d.clock.overdue, true, JSON.stringify(d.clock));
  assert.ok(d.clock.remaining_working_days < 0);

  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  const rows = r.page.locator('table.list tbody tr');
  await rows.first().waitFor();
  const first = rows.first();
  assert.match(await first.locator('.shop').first().textContent(), /^逾期茶馆/);
  assert.equal(await first.getAttribute('class'), 'row-overdue');
  const due = first.locator('.due.overdue');
  assert.match(await due.textContent(), /已逾期 \d+ 个工作日/);
  assert.equal(await due.evaluate((el) => getComputedStyle(el).color), 'rgb(179, 38, 30)');
  assert.equal(await first.locator('td[data-label="承办人"]').textContent(), '王审核');
  await assertAccessible(r.page, 'the console queue');
  await shot(r.page, 'clock-queue.png');
  // An application on time says how many working days are left.
  await r.page.getByLabel('查找').fill(onTimeName);
  await r.page.getByRole('button', { name: '查询' }).click();
  await r.page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
  assert.equal(await rows.first().getAttribute('class'), null, 'neither overdue nor due soon');
  assert.match(await rows.first().locator('.due').textContent(), /^剩 15 个工作日期限 \d{1,2} 月 \d{1,2} 日$/);
  await r.page.getByLabel('查找').fill('');
  await r.page.getByRole('button', { name: '查询' }).click();

  const mine = r.page.getByRole('button', { name: /我的待办/ });
  assert.equal(await mine.locator('.count').textContent(), '1');
  await mine.click();
  await r.page.locator('.mine-button[aria-pressed="true"]').waitFor();
  await r.page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
  assert.match(await rows.first().locator('.shop').first().textContent(), /^逾期茶馆/);
  await assertAccessible(r.page, 'the console queue with 我的待办 pressed');
  assertClean(r);
  await r.context.close();
});

test('the detail shows the clock and extends it once, with a reason', async () => {
  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  await r.page.goto(`${BASE}/console.html#/app/${onTime.id}`);
  await r.page.getByRole('heading', { name: '延长办理期限' }).waitFor();
  const facts = r.page.locator('dl.facts');
  assert.match(await facts.textContent(), /办结期限\d{4}-\d{2}-\d{2}（剩 15 个工作日/);
  assert.match(await facts.textContent(), /承办人尚无人认领/);
  await r.page.getByLabel('延长的工作日数').fill('5');
  await r.page.getByRole('button', { name: '延长期限' }).click();
  await r.page.locator('.notice.error', { hasText: '必须写明理由' }).waitFor();
  await r.page.getByLabel('延长理由（必填）').fill('需要现场核查招牌位置');
  await r.page.getByRole('button', { name: '延长期限' }).click();
  await r.page.locator('.notice', { hasText: '办理期限已延长' }).waitFor();
  assert.match(await r.page.locator('dl.facts').textContent(), /已延长 5 个工作日/);
  assert.match(await r.page.locator('ol.events').textContent(), /延长办理期限.*（延长 5 个工作日）需要现场核查招牌位置/);
  assert.equal(await r.page.getByRole('heading', { name: '延长办理期限' }).count(), 0, 'once only');
  await assertAccessible(r.page, 'the detail with the clock');
  await shot(r.page, 'clock-detail.png');
  assertClean(r);
  await r.context.close();
});

test('at 360 px the queue stacks without scrolling sideways and the merchant sees the legal date', async () => {
  const r = await openPage(browser, { width: 360, height: 780 });
  await consoleLogin(r.page, reviewer);
  await r.page.locator('table.list tbody tr').first().waitFor();
  const overflow = await r.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (${overflow}px)`);
  assert.ok(await r.page.locator('tr.row-overdue .due.overdue').first().isVisible());
  await assertAccessible(r.page, 'the console queue at 360 px');
  await shot(r.page, 'clock-queue-360.png');
  assertClean(r);
  await r.context.close();

  const p = await openPage(browser, { width: 360, height: 780 });
  await portalLogin(p.page, merchant);
  await p.page.goto(`${BASE}/portal.html#/app/${onTime.id}`);
  const note = p.page.locator('.due-note');
  await note.waitFor();
  assert.match(await note.textContent(), /^最迟 \d{1,2} 月 \d{1,2} 日前办结/);
  await assertAccessible(p.page, 'the portal detail with the due date');
  await shot(p.page, 'clock-portal-360.png');
  assertClean(p);
  await p.context.close();
});

test('the counts page shows the on-time rate of each year', async () => {
  const r = await openPage(browser);
  await r.page.goto(`${BASE}/stats.html`);
  const years = r.page.locator('table.years');
  await years.waitFor();
  assert.equal(await years.locator('thead th').last().textContent(), '按期办结率');
  const rate = await years.locator('tbody tr').first().locator('td').last().textContent();
  assert.match(rate, /^(—|\d+%（\d+ \/ \d+）)$/);
  await r.page.locator('.on-time').waitFor();
  assert.match(await r.page.locator('.on-time').textContent(), /^按期办结率 /);
  await assertAccessible(r.page, 'the counts page');
  assertClean(r);
  await r.context.close();
});
