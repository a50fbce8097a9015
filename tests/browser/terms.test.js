// The term base page (add, approve, import with a bad line, at 1280 and 360 px) and the
// translator's suggestion: taken with one click, edited, supplied.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, shot, assertClean, createOfficial, createMerchant, submitApplication,
  applicationForm, consoleLogin, loginToken, detail, assertLabelled, assertAccessible,
} from './lib.js';

// The words of the other fixtures: 奈曼 ᠨᠠᠢᠮᠠᠨ, 商贸 ᠬᠣᠳᠠᠯᠳᠤᠭᠠ, 商店 ᠳᠡᠯᠭᠡᠭᠦᠷ, 城 ᠲᠥᠪ.
const NAIMAN = 'ᠨᠠᠢᠮᠠᠨ';
const TRADE = 'ᠬᠣᠳᠠᠯᠳᠤᠭᠠ';
const SHOP = 'ᠳᠡᠯᠭᠡᠭᠦᠷ';
const CENTRE = 'ᠲᠥᠪ';

let browser;
let translator;

before(async () => {
  browser = await launch();
  translator = await createOfficial('translator');
});

after(async () => {
  await browser?.close();
});

async function noOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`);
}

async function addTerm(page, zh, mn) {
  const form = page.locator('form', { has: page.getByRole('heading', { name: '添加术语' }) });
  await form.getByLabel('汉文术语').fill(zh);
  await form.getByLabel('蒙古文规范写法').fill(mn);
  await form.getByRole('button', { name: '添加' }).click();
  await page.getByText(`已添加术语“${zh}”（待审定）。`).waitFor();
}

test('a translator builds the term base on its page', async () => {
  const t = await openPage(browser);
  const { page } = t;
  await consoleLogin(page, translator);
  await page.getByRole('link', { name: '术语库' }).first().click();
  await page.getByRole('heading', { name: '术语库' }).waitFor();
  await page.getByText('术语库还是空的').waitFor();

  await addTerm(page, '奈曼', NAIMAN);
  await addTerm(page, '商贸', TRADE);
  for (const zh of ['奈曼', '商贸']) {
    await page.getByRole('button', { name: `审定：${zh}` }).click();
    await page.locator(`tr[data-zh="${zh}"] .status`, { hasText: '已审定' }).waitFor();
  }
  // A file with one bad line imports nothing and names the line.
  const bad = `zh,mn,note\n商店,${SHOP},\n城,${CENTRE}abc,\n`;
  await page.getByLabel('CSV 文件').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.locator('.import-problems li', { hasText: '第 3 行' }).waitFor();
  assert.equal(await page.locator('tr[data-zh="商店"]').count(), 0, 'nothing imported');
  const good = `zh,mn,note\n商店,${SHOP},店铺\n`;
  await page.getByLabel('CSV 文件').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.getByText('已导入 1 条术语（待审定）。').waitFor();
  await page.locator('tr[data-zh="商店"] .status', { hasText: '待审定' }).waitFor();

  // Search.
  await page.getByRole('searchbox', { name: '查找' }).fill('商');
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByRole('table').getByText('术语（共 2 条）').waitFor();
  await assertLabelled(page);
  await assertAccessible(page, 'the term page');
  await shot(page, 'terms-page.png');

  // On a phone.
  const p = await openPage(browser, { width: 360, height: 740 });
  await consoleLogin(p.page, translator);
  await p.page.goto(BASE + '/terms.html');
  await p.page.locator('tr[data-zh="奈曼"]').waitFor();
  await noOverflow(p.page);
  await assertAccessible(p.page, 'the term page at 360 px');
  await shot(p.page, 'terms-page-360.png');
  assertClean(t);
  assertClean(p);
  await t.context.close();
  await p.context.close();
});

test('the translator takes a suggestion, edits it and supplies it', async () => {
  const m = await createMerchant();
  const zh = '奈曼商贸超市';
  const app = await submitApplication(m.token, applicationForm({ shop_name: '奈曼商贸超市', texts: { mn: '', zh }, translation_requested: true }));

  // At 360 px the box is only looked at; at 1280 px the suggestion is taken and supplied.
  for (const width of [360, 1280]) {
    const t = await openPage(browser, { width, height: 900 });
    const { page } = t;
    await consoleLogin(page, translator);
    await page.goto(`${BASE}/console.html#/app/${encodeURIComponent(app.id)}`);
    const box = page.getByRole('region', { name: '译文建议' });
    await box.locator('.suggestion').waitFor();
    // Each part says where it comes from, in words.
    const parts = await box.locator('.part').evaluateAll((els) => els.map((e) => [e.querySelector('.part-from').textContent, e.querySelector('.part-zh').textContent]));
    assert.deepEqual(parts, [['术语', '奈曼'], ['术语', '商贸'], ['无现成译法', '超市']]);
    await box.getByText('以下汉文没有现成译法，请人工翻译：超市').waitFor();
    await assertAccessible(page, `the translator's box with a suggestion at ${width} px`);
    await noOverflow(page);
    await shot(page, `console-suggestion-${width}.png`);
    if (width === 360) {
      assertClean(t);
      await t.context.close();
      continue;
    }

    await box.getByRole('button', { name: '采用此建议' }).click();
    const mnBox = page.getByLabel('蒙古文译文', { exact: true });
    assert.equal(await mnBox.inputValue(), `${NAIMAN} ${TRADE}`);
    assert.ok(await mnBox.evaluate((el) => el === document.activeElement), 'the editor has the focus');
    // Then edit: the translator adds the word the base does not know.
    await mnBox.press('End');
    await mnBox.type(` ${SHOP}`);
    await page.waitForFunction(() => {
      const img = document.querySelector('.panel .preview-img');
      return img && !img.hidden && img.naturalWidth > 0;
    });
    await page.getByRole('button', { name: '提交译文' }).click();
    await page.getByText('译文已提交，申请转入审核。').waitFor();
    const token = await loginToken(translator.username, translator.password);
    const d = await detail(token, app.id);
    assert.equal(d.revisions[d.revisions.length - 1].spec.texts.mn, `${NAIMAN} ${TRADE} ${SHOP}`);
    assert.equal(d.translation_confirmed, true);
    assertClean(t);
    await t.context.close();
  }
});
