// The portal, the console and the counts page in a real Chromium. Tests run in order; the counts
// page is checked against the counts read just before the story's approval.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, shot, assertClean, createOfficial, createMerchant, submitApplication,
  applicationForm, makePng, consoleLogin, call, loginToken, unique, MN_TEXT, ZH_TEXT, assertLabelled,
  portalLogin, assertAccessible,
} from './lib.js';

let browser;
let translator;
let reviewer;
const year = new Date().getFullYear();

before(async () => {
  browser = await launch();
  translator = await createOfficial('translator');
  reviewer = await createOfficial('reviewer');
});

after(async () => {
  await browser?.close();
});

const byLabel = (page, text) => page.getByLabel(text, { exact: true });

/** Approves through the confirmation dialog. */
async function approve(page) {
  await page.getByRole('button', { name: '批准', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: '确认批准' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '确认批准' }).click();
}

/** Waits until the live preview shows a decoded image from the server. */
async function previewShown(page) {
  await page.waitForFunction(() => {
    const img = document.querySelector('.preview-panel .preview-img');
    return img && !img.hidden && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
  });
}

async function openFromQueue(page, shopName) {
  await page.getByRole('searchbox', { name: '查找' }).fill(shopName);
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('button', { name: /^全部/ }).click();
  await page.locator('.tab[data-status="all"][aria-pressed="true"]').waitFor();
  await page.locator('.queue-table:not([aria-busy])').waitFor();
  await page.locator('table.list a.shop', { hasText: shopName }).first().click();
  await page.locator('h1.detail-title').waitFor();
}

test('the whole story: apply, translate, approve, counted', async () => {
  // --- the merchant registers and fills the form ---
  const m = await openPage(browser);
  const { page } = m;
  await page.goto(BASE + '/portal.html');
  const user = unique('shop');
  await byLabel(page, '姓名').fill('巴特尔');
  await byLabel(page, '手机号码').fill('13912345678');
  await byLabel(page, '用户名（字母或数字，3–32 位）').fill(user);
  await byLabel(page, '密码（至少 8 位）').fill('pass-' + user);
  await page.getByRole('button', { name: '注册并登录' }).click();
  await page.getByRole('heading', { name: /申请新招牌/ }).waitFor();

  const shopName = '奈曼民族商贸城' + user.slice(-4);
  await byLabel(page, '店铺名称').fill(shopName);
  const license = byLabel(page, '统一社会信用代码');
  await license.pressSequentially('91350100m000100y4');
  await assert.doesNotReject(page.getByText('还差 1 位').waitFor());
  assert.equal(await license.inputValue(), '91350100M000100Y4', 'letters are upper-cased as typed');
  await license.press('4');
  await page.getByText('统一社会信用代码校验位不正确，请核对营业执照').waitFor();
  await license.press('Backspace');
  await license.press('3');
  await page.getByText('✓ 代码有效').waitFor();
  await byLabel(page, '店铺地址').fill('大沁他拉镇团结路 18 号');
  await byLabel(page, '所在苏木乡镇').fill('大沁他拉镇');
  await byLabel(page, '联系电话').fill('0475-4212345');
  await byLabel(page, '汉文').fill(ZH_TEXT);
  await byLabel(page, '蒙古文').fill(MN_TEXT);
  await previewShown(page);
  const firstPreview = await page.locator('.preview-panel .preview-img').getAttribute('src');

  // --- halving the Mongolian breaks R7, beside the field; restoring it fixes it ---
  await byLabel(page, '蒙古文字号').selectOption('0.5');
  const r7 = page.locator('.field[data-field="mn_scale"] .finding[data-rule="R7"]');
  await r7.first().waitFor();
  assert.match(await r7.first().textContent(), /不符合/);
  await page.waitForFunction((old) => {
    const img = document.querySelector('.preview-panel .preview-img');
    return img.src !== old && img.complete && img.naturalWidth > 0;
  }, firstPreview);
  await page.locator('.verdict.v-fail').waitFor();
  await shot(page, 'portal-form-r7.png');
  await byLabel(page, '蒙古文字号').selectOption('1');
  await r7.first().waitFor({ state: 'detached' });
  await page.locator('.preview-panel .verdict.v-pass').waitFor();

  // --- uploads are checked before sending ---
  const files = byLabel(page, '上传牌匾设计图');
  await files.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await page.getByText('“notes.png”不是 PNG、JPEG 或 WebP 图片').waitFor();
  await files.setInputFiles({ name: 'design.png', mimeType: 'image/png', buffer: makePng(1200, 300) });
  await page.locator('.files li', { hasText: 'design.png' }).waitFor();

  await byLabel(page, '请民委翻译（蒙古文由旗民委翻译人员填写）').check();
  await shot(page, 'portal-form.png');
  await assertLabelled(page);
  await assertAccessible(page, 'the application form');
  // The same form on a phone: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
  await shot(page, 'portal-form-360.png', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('h1.detail-title .status', { hasText: '翻译中' }).waitFor();
  await page.getByText('申请已提交，正在等待民委翻译蒙古文。').waitFor();

  // --- the translator supplies the Mongolian, with a live preview ---
  const t = await openPage(browser);
  await consoleLogin(t.page, translator);
  await t.page.getByRole('button', { name: /^翻译中/ }).waitFor();
  await openFromQueue(t.page, shopName);
  const mnBox = byLabel(t.page, '蒙古文译文');
  await mnBox.fill(MN_TEXT);
  await t.page.waitForFunction(() => {
    const img = document.querySelector('.panel .preview-img');
    return img && !img.hidden && img.naturalWidth > 0;
  });
  await t.page.getByRole('button', { name: '提交译文' }).click();
  await t.page.getByText('译文已提交，申请转入审核。').waitFor();
  await t.page.locator('h1.detail-title .status', { hasText: '审核中' }).waitFor();

  // --- the reviewer compares design and preview, and approves ---
  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  await openFromQueue(r.page, shopName);
  await r.page.waitForFunction(() => [...document.querySelectorAll('.pair img')].every((i) => i.complete && i.naturalWidth > 0));
  await r.page.locator('.diff-table').waitFor(); // two revisions: the merchant's and the translator's
  await shot(r.page, 'console-detail.png');
  await assertLabelled(r.page);
  await assertAccessible(r.page, 'the console detail');
  // The design opens zoomable beside the preview.
  await r.page.getByRole('button', { name: /放大查看/ }).click();
  const zoom = r.page.locator('dialog.zoom[open]');
  await zoom.waitFor();
  await zoom.getByRole('button', { name: '放大' }).click();
  assert.match(await zoom.locator('.zoom-img').getAttribute('style'), /scale\(1\.25\)/);
  await r.page.keyboard.press('Escape');
  await zoom.waitFor({ state: 'detached' });
  const counted = (await call('GET', '/stats/approvals')).years.find((y) => y.year === year)?.approved ?? 0;
  const month = new Date().getMonth() + 1;
  const monthCounted = (await call('GET', `/stats/approvals?year=${year}`)).months?.find((m) => m.month === month)?.approved ?? 0;
  await approve(r.page);
  await r.page.getByText(/已批准，批准文号：奈民委牌审〔\d{4}〕\d{4}号/).waitFor();

  // --- the merchant sees the approval number ---
  await page.reload();
  await page.locator('h1.detail-title .status', { hasText: '已批准' }).waitFor();
  const no = await page.locator('.approval-no').textContent();
  assert.match(no, new RegExp(`^奈民委牌审〔${year}〕\\d{4}号$`));
  await page.waitForFunction(() => [...document.querySelectorAll('.pair img')].every((i) => i.complete && i.naturalWidth > 0));
  await shot(page, 'portal-approved.png');
  await assertAccessible(page, 'the approved application');

  // --- the public counts page shows it ---
  const s = await openPage(browser);
  await s.page.goto(BASE + '/stats.html');
  const row = s.page.locator('table.years tbody tr', { has: s.page.locator('th', { hasText: String(year) }) });
  await row.waitFor();
  assert.equal((await row.locator('td').first().textContent()).trim(), String(counted + 1));
  await s.page.locator(`svg.chart g.bar[data-label="${year}"][data-value="${counted + 1}"]`).first().waitFor();
  await s.page.locator('table.months').waitFor();
  assert.equal((await s.page.locator('table.months tbody tr').nth(month - 1).locator('td').textContent()).trim(), String(monthCounted + 1));
  const csv = await s.page.evaluate(async (y) => (await fetch(`/api/v1/stats/approvals?year=${y}&format=csv`)).text(), year);
  assert.ok(csv.length > 0);
  assert.equal(await s.page.getByRole('link', { name: '下载各年表格（CSV）' }).getAttribute('href'), '/api/v1/stats/approvals?format=csv');
  await shot(s.page, 'stats.png');
  await assertLabelled(s.page);
  await assertAccessible(s.page, 'the counts page');

  for (const x of [m, t, r, s]) {
    assertClean(x);
    await x.context.close();
  }
});

test('a request for changes with two items, a resubmission, then approval', async () => {
  const merchant = await createMerchant();
  const shopName = unique('草原奶茶馆');
  // A square, small design for a wide sign: two findings (I3 aspect, I4 resolution).
  const app = await submitApplication(merchant.token, applicationForm({ shop_name: shopName }), makePng(400, 400));
  const codes = app.findings.map((f) => f.rule).sort();
  assert.deepEqual(codes, ['I3', 'I4']);

  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  await openFromQueue(r.page, shopName);
  await shot(r.page, 'console-request-changes.png');
  const items = r.page.locator('.checklist li');
  assert.equal(await items.count(), 2, 'the checklist is pre-filled from the findings');
  await items.nth(0).locator('input[type=text]').fill('设计图比例与招牌尺寸不符，请按 4:1 重新制作');
  await byLabel(r.page, '说明（可不填）').fill('请一并核对门牌号');
  await r.page.getByRole('button', { name: '退回修改' }).click();
  await r.page.getByText('已退回商户修改。').waitFor();
  await r.page.locator('h1.detail-title .status', { hasText: '待修改' }).waitFor();

  // --- the merchant, on a phone, sees both items and resubmits the pre-filled form ---
  const m = await openPage(browser, { width: 360, height: 780 });
  await portalLogin(m.page, merchant);
  await m.page.locator('.app-card', { hasText: shopName }).click();
  const changes = m.page.locator('.requested .changes li');
  await changes.first().waitFor();
  assert.equal(await changes.count(), 2);
  assert.match(await changes.nth(0).textContent(), /4:1/);
  // The reviewer's 说明 is told with the items, not only in the history.
  assert.match(await m.page.locator('.requested').first().textContent(), /审核人员说明：\s*请一并核对门牌号/);
  assert.equal(await byLabel(m.page, '店铺名称').inputValue(), shopName, 'the resubmit form is pre-filled');
  assert.equal(await byLabel(m.page, '蒙古文').inputValue(), MN_TEXT);
  await previewShown(m.page);
  await byLabel(m.page, '上传新的设计图（不上传则沿用原来的）').setInputFiles({ name: 'new-design.png', mimeType: 'image/png', buffer: makePng(1200, 300) });
  await m.page.locator('.files li', { hasText: 'new-design.png' }).waitFor();
  const overflow = await m.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
  await shot(m.page, 'portal-resubmit-360.png');
  await m.page.getByRole('button', { name: '修改后重新提交' }).click();
  await m.page.getByText('已重新提交，请等待审核。').waitFor();
  await m.page.locator('h1.detail-title .status', { hasText: '审核中' }).waitFor();

  // --- the translator confirms the Mongolian, the reviewer approves ---
  const t = await openPage(browser);
  await consoleLogin(t.page, translator);
  await openFromQueue(t.page, shopName);
  await t.page.getByRole('button', { name: '确认译文无误' }).click();
  await t.page.getByText('译文已确认。').first().waitFor();

  await r.page.reload();
  await r.page.locator('h1.detail-title .status', { hasText: '审核中' }).waitFor();
  assert.match(await r.page.locator('.diff-table').textContent(), /设计图|汉文/);
  await approve(r.page);
  await r.page.getByText(/已批准，批准文号：/).waitFor();

  await m.page.reload();
  await m.page.locator('h1.detail-title .status', { hasText: '已批准' }).waitFor();
  await m.page.locator('.approval-no').waitFor();
  const events = await m.page.locator('.events > li').allTextContents();
  assert.deepEqual(
    events.map((e) => e.match(/(提交申请|退回修改|修改后重新提交|确认蒙古文译文|批准)/)[1]),
    ['提交申请', '退回修改', '修改后重新提交', '确认蒙古文译文', '批准'],
  );
  for (const x of [r, m, t]) {
    assertClean(x);
    await x.context.close();
  }
});

test('a shop name with markup shows as text and opens no dialog', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const merchant = await createMerchant();
  await submitApplication(merchant.token, applicationForm({ shop_name: evil, address: '<script>alert(2)</script>' }));
  const r = await openPage(browser);
  await consoleLogin(r.page, reviewer);
  await r.page.getByRole('button', { name: /^全部/ }).click();
  await r.page.locator('.queue-table:not([aria-busy]) table.list').waitFor();
  await shot(r.page, 'console-queue.png', { fullPage: false });
  await assertAccessible(r.page, 'the queue');
  await r.page.getByRole('searchbox', { name: '查找' }).fill('onerror');
  await r.page.getByRole('button', { name: '查询' }).click();
  // The row of the name, as text (markup would leave no text to find), in the list before
  // or after the search's answer replaces it.
  const link = r.page.locator('table.list a.shop', { hasText: 'onerror' }).first();
  await link.waitFor();
  assert.equal(await link.textContent(), evil);
  await link.click();
  await r.page.locator('h1.detail-title .shop').waitFor();
  assert.equal(await r.page.locator('h1.detail-title .shop').textContent(), evil);
  await r.page.getByText('<script>alert(2)</script>').waitFor();
  await r.page.waitForTimeout(500);
  assert.equal(await r.page.locator('img[src="x"]').count(), 0, 'no element was made from the name');
  assertClean(r);

  // The merchant's own list too.
  const m = await openPage(browser);
  await m.page.goto(BASE + '/portal.html');
  await m.page.getByLabel('用户名', { exact: true }).fill(merchant.username);
  await m.page.getByLabel('密码', { exact: true }).fill(merchant.password);
  await m.page.getByRole('button', { name: '登录', exact: true }).click();
  await m.page.locator('.app-card .shop', { hasText: evil }).waitFor();
  await assertAccessible(m.page, 'my applications');
  await m.page.waitForTimeout(300);
  assert.equal(await m.page.locator('img[src="x"]').count(), 0);

  // A token the server refuses ends the session: back to the login form, with a message.
  await m.page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('signboard.session'));
    s.token = 'expired';
    localStorage.setItem('signboard.session', JSON.stringify(s));
  });
  await m.page.reload();
  await m.page.getByText('登录已过期，请重新登录。').waitFor();
  await m.page.getByRole('button', { name: '登录', exact: true }).waitFor();
  assert.equal(await m.page.evaluate(() => localStorage.getItem('signboard.session')), null);
  assertClean(m);
  await r.context.close();
  await m.context.close();
});

test('a version conflict between two officials shows the message and reloads', async () => {
  const merchant = await createMerchant();
  const shopName = unique('蒙餐馆');
  await submitApplication(merchant.token, applicationForm({ shop_name: shopName }));

  // Two translators open the same application; both confirm its Mongolian.
  const other = await createOfficial('translator');
  const a = await openPage(browser);
  const b = await openPage(browser);
  await consoleLogin(a.page, translator);
  await consoleLogin(b.page, other);
  await openFromQueue(a.page, shopName);
  await openFromQueue(b.page, shopName);
  await a.page.getByRole('button', { name: '确认译文无误' }).click();
  await a.page.getByText('译文已确认。').first().waitFor();
  await b.page.getByRole('button', { name: '确认译文无误' }).click();
  await b.page.getByText('该申请刚刚已被他人处理，请刷新后查看最新状态').waitFor();
  // Reloaded: the facts now say the translation is confirmed, and no confirm button is left.
  await b.page.locator('dl.facts dd', { hasText: '已确认' }).waitFor();
  assert.equal(await b.page.getByRole('button', { name: '确认译文无误' }).count(), 0);

  // Two reviewers: one rejects, the other's stale approval is refused and the page reloads.
  const second = await createOfficial('reviewer');
  const c = await openPage(browser);
  const d = await openPage(browser);
  await consoleLogin(c.page, reviewer);
  await consoleLogin(d.page, second);
  await openFromQueue(c.page, shopName);
  await openFromQueue(d.page, shopName);
  await byLabel(c.page, '理由（必填，商户可以看到）').fill('招牌位置不在申请地址');
  await c.page.getByRole('button', { name: '不予批准' }).click();
  await c.page.locator('h1.detail-title .status', { hasText: '未通过' }).waitFor();
  await approve(d.page);
  // A stale version is a conflict (older builds answered 422 "不能批准" here; both reload).
  await d.page.locator('.notice.error', { hasText: /该申请刚刚已被他人处理|不能批准/ }).waitFor();
  await d.page.locator('h1.detail-title .status', { hasText: '未通过' }).waitFor();
  assert.equal(await d.page.getByRole('button', { name: '批准', exact: true }).count(), 0, 'the reloaded detail offers no action');
  for (const x of [a, b, c, d]) {
    assertClean(x);
    await x.context.close();
  }
});
