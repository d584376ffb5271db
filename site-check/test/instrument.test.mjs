// The measuring instrument's own tests: what counts as visible text, what a date means, and
// how a difference is attributed. Run by scripts/site-check before the check (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visible, readPage } from '../lib/page.mjs';
import { meantInstant } from '../lib/dates.mjs';
import { hunks, ruleAttributed, label } from '../lib/textdiff.mjs';

const text = (html, opts) => visible(html, opts).text;

test('visible text: tags, entities, hidden content, white space', () => {
  const cases = [
    ['<p>a<b>b</b>c</p><p>d</p>', 'abc d'],
    ['<div>x &amp; &#123;y&#125;&nbsp;</div>', 'x & {y}'],
    ['<style>.a{}</style><script>x()</script><p hidden>h</p><p style="display: none">n</p>t', 't'],
    ['<!-- c -->a<br>b', 'a b'],
    // Hexo's highlight.js gutter is not text.
    ['<figure><table><tr><td class="gutter"><pre>1<br>2</pre></td><td class="code"><pre>x<br>y</pre></td></tr></table></figure>', 'x y'],
    // CSS segment-break rule: a source line break between two wide characters is no space…
    ['開催場所 高山市民文化会館\n開場', '開催場所 高山市民文化会館開場'],
    // … but a <br>, a block boundary, a space or an ASCII neighbour is.
    ['館<br>開', '館 開'],
    ['<p>館</p><p>開</p>', '館 開'],
    ['館 開', '館 開'],
    ['(日)\n開', '(日) 開'],
    // U+3000 and NBSP are white space (indents, trailing blanks).
    ['<p>\u3000\u3000正文\u00a0</p>', '正文'],
  ];
  for (const [html, want] of cases) assert.equal(text(html), want, html);
});

test('visible text: code read as the author wrote it', () => {
  const html = '<pre><code>Map<String, Object> m; i<n;i++){ <span class=k>let</span> }\n'
    + '</<span class="n">Button</span>> Class<?> c List<T>x</T> \'<></>\' <b>b</b></code></pre>';
  assert.equal(text(html), "Map m; ilet } Button> Class c Listx '<>' b");
  assert.equal(text(html, { literalCode: true }), "Map<String, Object> m; i<n;i++){ let } </Button> Class<?> c List<T>x</T> '<></>' b");
  // Outside code, tags are tags.
  assert.equal(text('<p>a<T>b</T></p>', { literalCode: true }), 'ab');
});

test('visible text: code flags and counts', () => {
  const v = visible('<p>a</p><pre>b c</pre><iframe src="https://x/y"></iframe><img src=i><video></video>');
  assert.equal(v.text, 'a b c');
  assert.equal(v.code, '..ccc');
  assert.deepEqual(v.embeds, ['iframe https://x/y', 'video']);
  assert.equal(v.images, 1);
});

test('a built page: markers, meta, an unbalanced body', () => {
  const page = readPage('<h1 id="sitecheck-title">T &amp; U</h1><p id="sitecheck-meta" data-id="7" data-source="_posts/a.md" data-date="2021-01-01T00:00:00.000Z"></p>'
    + '<div id="sitecheck-body"><p>a</div></div><p>b</p></div><div id="sitecheck-end"></div>');
  assert.equal(page.id, '7');
  assert.equal(page.title, 'T & U');
  assert.equal(page.date, '2021-01-01T00:00:00.000Z');
  assert.equal(text(page.body), 'a b');
  assert.equal(readPage('<p>no markers</p>'), undefined);
});

test('the instant a source date means', () => {
  const sh = 'Asia/Shanghai';
  const cases = [
    ['Fri, 13 Aug 2021 07:51:58 GMT', sh, '2021-08-13T07:51:58.000Z'],
    ['2021-08-07 02:22:05', sh, '2021-08-06T18:22:05.000Z'],
    ['2021-08-07 02:22:05', 'UTC', '2021-08-07T02:22:05.000Z'],
    ['2021-08-07T02:22:05+08:00', 'UTC', '2021-08-06T18:22:05.000Z'],
    ['2021-08-07T02:22:05Z', sh, '2021-08-07T02:22:05.000Z'],
    ['2021-08-07', sh, '2021-08-06T16:00:00.000Z'],
  ];
  for (const [raw, zone, want] of cases) assert.equal(new Date(meantInstant(raw, zone).ms).toISOString(), want, `${raw} in ${zone}`);
  assert.equal(meantInstant('Invalid Date', sh).ms, undefined);
  assert.equal(meantInstant(undefined, sh).ms, undefined);
});

test('differences: hunks, rule attribution, labels', () => {
  assert.deepEqual(hunks('same', 'same'), []);
  // What the rules removed (cleaned HTML with no rules → with the presets).
  const rules = hunks('正文 来源：健康广东 完', '正文 完');
  assert.equal(rules.length, 1);
  // The same removal seen on the built sites is rule-attributed, even slid along a repeat…
  const [h] = hunks('正文 来源：健康广东 完', '正文 完');
  assert.ok(ruleAttributed(h, rules));
  const [slid] = hunks('aXbb', 'ab');
  assert.ok(ruleAttributed(slid, hunks('aXbb', 'ab')));
  // … and a removal the rules did not make is not.
  const [other] = hunks('正文 广告 完', '正文 完');
  assert.ok(!ruleAttributed(other, rules));
  // Inserted text is never a removal.
  const [ins] = hunks('正文 完', '正文 iframe: player.bilibili.com 完');
  assert.ok(!ruleAttributed(ins, rules));
  assert.equal(label(ins), 'embed became a link');
  assert.match(label(hunks('say "hi"', 'say “hi”')[0]), /typographic/);
  assert.equal(label(hunks('a b', 'ab')[0]), 'white space only');
});
