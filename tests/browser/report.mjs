// Opens a `postscrub report` in headless Chromium and checks what a reader sees.
//
// Usage: node report.mjs --report DIR --check CHECK.json --screenshots DIR
//                        [--hostile-report DIR --hostile-check CHECK.json]
//   DIR            the report (its index.html is opened from file://)
//   CHECK.json     `postscrub check --format json` of the same posts, run from the same folder
//   --screenshots  where index.png and post.png are written
//   --hostile-*    a report of posts with hostile names and scripts, and check's view of them
//
// Fails (exit 1) when a count differs from check's, a filter lists other posts than check says,
// a post page lacks a rendered pane or its diff, the scroll is not shared, remote images load
// before the toggle (or not after it), or on any console error, page error, or request that is
// not file:// while remote images are off.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), [])
);
for (const need of ['report', 'check', 'screenshots']) {
  if (!args[need]) {
    console.error(`report.mjs: --${need} is required`);
    process.exit(2);
  }
}

const failures = [];
const fail = (m) => failures.push(m);
const step = (m) => console.log(`report-browser-test: ${m}`);

// What check says: the posts, and per rule the changed posts it fired on.
const checked = JSON.parse(readFileSync(args.check, 'utf8'));
const posts = Array.isArray(checked) ? checked : checked.posts ?? checked.results;
if (!Array.isArray(posts)) {
  console.error('report.mjs: the check output holds no list of posts');
  process.exit(2);
}
const changed = posts.filter((p) => p.status === 'changed');
const expected = {
  seen: posts.length,
  changed: changed.length,
  unchanged: posts.filter((p) => p.status === 'unchanged').length,
  failed: posts.filter((p) => p.status === 'failed').length,
  warnings: posts.reduce((n, p) => n + (p.warnings?.length ?? 0), 0),
};
const byRule = new Map();
for (const p of changed) {
  for (const r of p.rules ?? []) {
    if (!byRule.has(r.id)) byRule.set(r.id, new Set());
    byRule.get(r.id).add(p.path);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });

// Every request that is not file:// is recorded and refused: the report must need none.
let remoteAllowed = false;
const remote = [];
const problems = [];
await context.route((url) => url.protocol !== 'file:', (route) => {
  remote.push(route.request().url());
  return route.abort();
});
context.on('request', (r) => {
  if (!r.url().startsWith('file://') && !remoteAllowed) fail(`network request: ${r.url()}`);
});
function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !remoteAllowed) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
}

const page = await context.newPage();
watch(page);
const index = pathToFileURL(resolve(args.report, 'index.html')).href;
await page.goto(index);
await page.waitForSelector('#list-status[data-matching]');

// 1. The totals are check's.
for (const [key, want] of Object.entries(expected)) {
  const shown = (await page.textContent(`#count-${key}`))?.trim();
  if (shown !== String(want)) fail(`${key}: the report shows ${shown}, check says ${want}`);
}
step(`totals ${JSON.stringify(expected)} shown`);

// 2. The unfiltered list: every changed post, a page at a time.
const pageSize = Number(await page.getAttribute('#list', 'data-page-size'));
const rows = await page.locator('#posts tbody tr').count();
if (rows !== Math.min(changed.length, pageSize)) fail(`list shows ${rows} rows, expected ${Math.min(changed.length, pageSize)}`);
const matching = Number(await page.getAttribute('#list-status', 'data-matching'));
if (matching !== changed.length) fail(`list counts ${matching} changed posts, check says ${changed.length}`);

async function listed() {
  return new Set(await page.locator('#posts tbody a.post-link').allTextContents());
}
async function waitMatching(n) {
  await page.waitForFunction((n) => document.getElementById('list-status').getAttribute('data-matching') === String(n), n);
}
// Both frames of a post page have rendered their srcdoc.
async function framesReady(p) {
  await p.waitForFunction(() => {
    const f = [...document.querySelectorAll('iframe.pane')];
    return f.length === 2 && f.every((x) => x.contentDocument && x.contentDocument.readyState === 'complete' && x.contentDocument.body);
  });
}
function sameSet(a, b) {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

// 3. Filter by a rule: the rule that fired on the fewest (but several) posts.
const candidates = [...byRule.entries()].filter(([, s]) => s.size < changed.length).sort((a, b) => a[1].size - b[1].size);
const [ruleId, rulePosts] = candidates.find(([, s]) => s.size >= 2) ?? candidates[0] ?? [];
if (!ruleId) fail('no rule fired on only some posts: nothing to filter by');
else {
  await page.selectOption('#filter-rule', { label: `${ruleId} (${rulePosts.size})` });
  await waitMatching(rulePosts.size);
  const got = await listed();
  if (!sameSet(got, rulePosts)) fail(`rule ${ruleId}: listed ${[...got].join(', ')}; check says ${[...rulePosts].join(', ')}`);
  if (got.size >= rows) fail(`rule ${ruleId}: the list did not shrink (${got.size} of ${rows})`);
  step(`rule filter ${ruleId}: ${got.size} posts, as check says`);
  // The whole front page, filtered: totals, rules, and the short list.
  await page.screenshot({ path: join(args.screenshots, 'index.png'), fullPage: true });
}

// 4. A folder and a text filter, on top of nothing.
await page.selectOption('#filter-rule', '');
const folder = changed[0].path.split('/').slice(0, -1).join('/');
await page.selectOption('#filter-folder', folder);
const inFolder = new Set(changed.filter((p) => p.path.startsWith(folder + '/')).map((p) => p.path));
await waitMatching(inFolder.size);
if (!sameSet(await listed(), inFolder)) fail(`folder ${folder}: the list is not the posts under it`);
await page.selectOption('#filter-folder', '');
const needle = changed[changed.length - 1].path.split('/').pop().slice(0, 6);
await page.fill('#filter-text', needle);
const withText = changed.filter((p) => p.path.toLowerCase().includes(needle.toLowerCase()));
await page.waitForFunction(() => document.getElementById('list-status').getAttribute('data-matching') !== null);
const textMatching = Number(await page.getAttribute('#list-status', 'data-matching'));
if (textMatching < withText.length) fail(`text "${needle}": ${textMatching} posts listed, at least ${withText.length} paths hold it`);
step(`folder filter (${inFolder.size}) and text filter (${textMatching}) work`);

// 5a. Every post page of the first list page opens without an error or a request.
await page.selectOption('#filter-rule', '');
await page.fill('#filter-text', '');
await waitMatching(changed.length);
const pageLinks = await page.locator('#posts tbody a.post-link').evaluateAll((as) => as.map((a) => a.href));
const visitor = await context.newPage();
watch(visitor);
for (const href of pageLinks) {
  await visitor.goto(href);
  const panes = await visitor.locator('iframe.pane').count();
  if (panes !== 2) fail(`${href}: ${panes} panes`);
}
await visitor.close();
step(`${pageLinks.length} post pages opened`);

// 5. A post page: both panes render, the diff is there, the rules and fields tables too.
await page.fill('#filter-text', '');
await page.selectOption('#filter-rule', { label: `${ruleId} (${rulePosts.size})` });
await waitMatching(rulePosts.size);
const link = page.locator('#posts tbody a.post-link').first();
const clicked = await link.textContent();
await link.click();
await page.waitForURL(/posts\/\d+\.html$/, { waitUntil: 'domcontentloaded' });
await framesReady(page);
if ((await page.textContent('#post-path')) !== clicked) fail(`the post page names ${await page.textContent('#post-path')}, not ${clicked}`);
for (const id of ['pane-original', 'pane-converted']) {
  const sandbox = await page.getAttribute(`#${id}`, 'sandbox');
  if (sandbox === null || /allow-scripts/.test(sandbox)) fail(`${id}: sandbox is ${sandbox}`);
  const text = await page.frameLocator(`#${id}`).locator('body').innerText();
  if (text.trim().length === 0) fail(`${id}: nothing rendered`);
  step(`${id}: ${text.trim().length} characters of text`);
}
const dels = await page.locator('.diff .l.del').count();
const ins = await page.locator('.diff .l.ins').count();
if (dels + ins === 0) fail('the post page has no diff lines');
const firedRows = await page.locator('table.rules tbody tr').count();
const want = changed.find((p) => p.path === clicked)?.rules.length ?? -1;
if (firedRows !== want) fail(`the post page lists ${firedRows} rules, check says ${want}`);
step(`post page: ${dels} removed and ${ins} added lines, ${firedRows} rules`);

// 6. The panes scroll together.
const scrolled = await page.evaluate(async () => {
  const [a, b] = [...document.querySelectorAll('iframe.pane')].map((f) => f.contentWindow);
  const el = a.document.scrollingElement;
  el.scrollTop = el.scrollHeight;
  a.dispatchEvent(new Event('scroll'));
  await new Promise((r) => setTimeout(r, 200));
  return { a: el.scrollTop, b: b.document.scrollingElement.scrollTop, bMax: b.document.scrollingElement.scrollHeight - b.innerHeight };
});
if (scrolled.a > 0 && scrolled.bMax > 0 && scrolled.b === 0) fail(`scrolling the original did not scroll the converted pane (${JSON.stringify(scrolled)})`);
await page.evaluate(() => [...document.querySelectorAll('iframe.pane')].forEach((f) => f.contentWindow.scrollTo(0, 0)));
await page.locator('#panes-section').scrollIntoViewIfNeeded();
await page.waitForTimeout(200);
await page.screenshot({ path: join(args.screenshots, 'post.png') });

// 7. Nothing remote so far; with the toggle on, the post's images are asked for.
const before = remote.length;
if (before > 0) fail(`requests made with remote images off: ${remote.join(', ')}`);
const holds = await page.evaluate(() => [...document.querySelectorAll('iframe.pane')].some((f) => f.contentDocument.querySelector('[data-postscrub-src]')));
remoteAllowed = true;
await page.check('#remote-images');
await page.waitForTimeout(1000);
if (holds && remote.length === before) fail('remote images on: no image was requested');
step(`remote images: ${before} requests while off, ${remote.length - before} once on`);

// 8. Hostile posts: names that are markup stay text, and no script of a post ever runs.
if (args['hostile-report']) {
  remoteAllowed = false;
  const hostile = JSON.parse(readFileSync(args['hostile-check'], 'utf8'));
  const hostilePosts = (Array.isArray(hostile) ? hostile : hostile.posts ?? hostile.results).filter((p) => p.status === 'changed');
  const hp = await context.newPage();
  watch(hp);
  hp.on('dialog', (d) => {
    fail(`a dialog opened: ${d.message()}`);
    d.dismiss();
  });
  await hp.goto(pathToFileURL(resolve(args['hostile-report'], 'index.html')).href);
  await hp.waitForSelector('#list-status[data-matching]');
  const names = new Set(await hp.locator('#posts tbody a.post-link').allTextContents());
  const wantNames = new Set(hostilePosts.map((p) => p.path));
  if (!sameSet(names, wantNames)) fail(`hostile names listed as ${[...names].join(' | ')}; check says ${[...wantNames].join(' | ')}`);
  if ((await hp.locator('#posts tbody img, #posts tbody b, #posts tbody i').count()) > 0) fail('a hostile name became markup in the list');
  const hrefs = await hp.locator('#posts tbody a.post-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) {
    if (!/^posts\/\d{6}\.html$/.test(href)) fail(`a post link is ${href}, not posts/NNNNNN.html`);
    await hp.goto(new URL(href, hp.url()).href);
    await framesReady(hp);
    await hp.waitForTimeout(300);
    const pwned = await hp.evaluate(() => window.pwned);
    if (pwned !== undefined) fail(`a post's script ran on ${hp.url()}`);
    for (const id of ['pane-original', 'pane-converted']) {
      const text = await hp.frameLocator(`#${id}`).locator('body').innerText();
      if (text.trim().length === 0) fail(`hostile post ${href}: ${id} shows nothing`);
    }
    if ((await hp.locator('header img, header script, header i').count()) > 0) fail('a hostile title became markup');
    await hp.goBack();
  }
  step(`hostile posts: ${names.size} names shown as text, no script ran`);
}

for (const p of problems) fail(p);
await browser.close();
if (failures.length) {
  for (const f of failures) console.error(`report-browser-test: FAIL ${f}`);
  process.exit(1);
}
step('all checks passed');
