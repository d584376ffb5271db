// The real-site check (issue 10, DESIGN.md invariant 7). Started by scripts/site-check, which
// first builds postscrub, installs this folder's npm packages from the lockfile and, where it
// can, Hugo and Jekyll.
//
// 1. The corpus (tests/corpus/source/_posts) becomes a Hexo 8 site, built once per site zone.
// 2. postscrub converts the posts, as a user runs it, for Hexo, Hugo and Jekyll; each result is
//    built by its generator, once per zone.
// 3. Each converted post's title and visible text are compared with the original Hexo build,
//    and its date instant with the instant the source date means. A text difference is
//    explained when postscrub's own rules removed that text (two `--to html` runs, with the
//    shipped rules and with none, give what the rules removed) or when deliberate-fixes.mjs
//    lists it; anything else is "other".
// The figures table goes to stdout; the full report to <work>/report.md and report.json.
// Exit status: 0 when every post of every generator that ran is built, explained and dated
// right, with no build error; 1 otherwise; 2 when the check itself could not run.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import yaml from 'js-yaml';
import moment from 'moment-timezone';
import config from './config.mjs';
import fixes, { faithfulToTheHtml, codeKeptLiterally } from './deliberate-fixes.mjs';
import { readPage, visible } from './lib/page.mjs';
import { meantInstant, renderedInstant, iso } from './lib/dates.mjs';
import { hunks, ruleAttributed, deliberateFix, snippet, label, squeeze, subsequence, decodeEntities } from './lib/textdiff.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// Hexo's own test for the posts it skips (a path segment starting with `_` or `.`).
const hexoHidden = createRequire(import.meta.url)('hexo/dist/plugins/processor/common.js').isHiddenFile;
const ROOT = path.resolve(HERE, '..');
const CORPUS = path.join(ROOT, 'tests', 'corpus', 'source', '_posts');

// ---------------------------------------------------------------- arguments

function usage(code) {
  const text = `usage: node site-check/run.mjs --postscrub BIN [--work DIR] [--only GEN,...] [--report-only] [--details N]
  --postscrub BIN   the postscrub binary to check
  --work DIR        work folder, emptied first (default: target/site-check)
  --only GEN,...    generators to run: hexo, hugo, jekyll (default: config.mjs)
  --report-only     print the figures but exit 0 whatever they show
  --details N       differing hunks shown per post on stdout (default 3; all are in report.md)`;
  (code ? process.stderr : process.stdout).write(`${text}\n`);
  process.exit(code);
}

const opts = { work: path.join(ROOT, 'target', 'site-check'), only: null, reportOnly: false, details: 3, postscrub: null };
for (let i = 2; i < process.argv.length; i += 1) {
  const a = process.argv[i];
  const next = () => {
    if (i + 1 >= process.argv.length) usage(2);
    i += 1;
    return process.argv[i];
  };
  if (a === '--work') opts.work = path.resolve(next());
  else if (a === '--postscrub') opts.postscrub = path.resolve(next());
  else if (a === '--only') opts.only = next().split(',').filter(Boolean);
  else if (a === '--report-only') opts.reportOnly = true;
  else if (a === '--details') opts.details = Number(next());
  else if (a === '-h' || a === '--help') usage(0);
  else usage(2);
}
if (!opts.postscrub) usage(2);

function die(msg) {
  process.stderr.write(`site-check: ${msg}\n`);
  process.exit(2);
}

const generators = (opts.only || config.generators).filter((g) => ['hexo', 'hugo', 'jekyll'].includes(g));
const W = opts.work;
const log = (msg) => process.stderr.write(`site-check: ${msg}\n`);

// ---------------------------------------------------------------- files

function walk(dir, keep = () => true) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, keep));
    else if (e.isFile() && keep(p)) out.push(p);
  }
  return out.sort();
}

const isPost = (p) => /\.(md|markdown|html)$/i.test(p);

function splitFrontMatter(text) {
  const m = /^\s*---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { fm: null, body: text };
  return { fm: m[1], body: text.slice(m[0].length) };
}

function loadYaml(src, schema) {
  try {
    const v = yaml.load(src, schema ? { schema } : undefined);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return null;
  }
}

function copySkeleton(name, dest) {
  fs.cpSync(path.join(HERE, name), dest, { recursive: true });
}

function linkNodeModules(site) {
  fs.copyFileSync(path.join(HERE, 'package.json'), path.join(site, 'package.json'));
  fs.symlinkSync(path.join(HERE, 'node_modules'), path.join(site, 'node_modules'), 'dir');
}

function run(cmd, args, { cwd, env } = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) die(`cannot run ${cmd}: ${r.error.message}`);
  return { code: r.status ?? 128, signal: r.signal, out: `${r.stdout}${r.stderr}`, stdout: r.stdout, stderr: r.stderr, secs: (Date.now() - t0) / 1000 };
}

const zoneSlug = (z) => z.replace(/[^A-Za-z0-9]+/g, '_');

// ---------------------------------------------------------------- the original site

fs.rmSync(W, { recursive: true, force: true });
fs.mkdirSync(W, { recursive: true });
const ORIG = path.join(W, 'hexo-orig');
copySkeleton('hexo', ORIG);
linkNodeModules(ORIG);

// Every post gets `sitecheck_id: N` as its first front-matter line, so that a built page can be
// matched to its post whatever name and URL a generator gives it (Jekyll renames, Hugo
// slugifies). Nothing else in the copies differs from the corpus. postscrub converts this copy.
//
// Hexo skips a post whose path has a segment starting with `_` (a hidden file, whatever the
// config says), so the original site never showed those. The reference build (hexo-ref) is the
// same copy with such segments renamed, to have their text all the same.
const REF = path.join(W, 'hexo-ref');
copySkeleton('hexo', REF);
linkNodeModules(REF);
const posts = [];
for (const src of walk(CORPUS, isPost)) {
  const rel = path.relative(CORPUS, src);
  const text = fs.readFileSync(src, 'utf8');
  const id = String(posts.length + 1);
  const m = /^(\s*---[ \t]*\r?\n)/.exec(text);
  const copy = m ? `${m[1]}sitecheck_id: ${id}\n${text.slice(m[1].length)}` : text;
  const hidden = hexoHidden(rel);
  for (const [site, name] of [[ORIG, rel], [REF, hidden ? rel.split(path.sep).map((seg) => seg.replace(/^[_.]/, 'sitecheck-hidden-$&')).join(path.sep) : rel]]) {
    const dest = path.join(site, 'source', '_posts', name);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, copy);
  }
  const { fm } = splitFrontMatter(text);
  const raw = fm === null ? {} : loadYaml(fm, yaml.CORE_SCHEMA) || {};
  posts.push({ id, rel, hidden, hasFm: m !== null, rawDate: raw.date, rawTitle: raw.title, source: squeeze(decodeEntities(text)) });
}
if (posts.length === 0) die(`no posts under ${CORPUS}`);
log(`${posts.length} posts from ${path.relative(ROOT, CORPUS)}`);

// ---------------------------------------------------------------- postscrub

const help = run(opts.postscrub, ['convert', '--help']);
if (help.code !== 0) die(`${opts.postscrub} convert --help failed:\n${help.out}`);
const features = {
  embeds: /--embeds\b/.test(help.stdout),
  typographer: /--typographer\b/.test(help.stdout),
  site: run(opts.postscrub, ['site', '--help']).code === 0,
};
const gaps = [];
if (!features.embeds) {
  gaps.push('postscrub has no `--embeds`: embeds are converted the way postscrub does by default. '
    + `Once the flag exists the check passes \`--embeds ${config.postscrub.embeds}\` by itself (config.mjs: postscrub.embeds).`);
}
if (config.postscrub.zoneFlag) {
  gaps.push(`the site zone is given to postscrub with \`${config.postscrub.zoneFlag} ZONE\`, not read from the site (config.mjs postscrub.zoneFlag).`);
} else if (!features.site) {
  gaps.push('postscrub has no `site` command: it may not read the site zone from _config.yml, and dates then follow its default zone. '
    + 'Set SITE_CHECK_TIMEZONE_FLAG=1 (config.mjs postscrub.zoneFlag) to pass `--timezone ZONE`.');
}

function postscrubArgs(target, zone, extra) {
  const a = [...config.postscrub.common, ...config.postscrub.targets[target]];
  if (config.postscrub.zoneFlag) a.push(config.postscrub.zoneFlag, zone);
  if (features.embeds && config.postscrub.embeds) a.push('--embeds', config.postscrub.embeds);
  // The converted sites' typographers turned off: the user tells postscrub so.
  if (features.typographer && config.typographer === 'off') a.push('--typographer', 'off');
  return [...a, ...extra];
}

function convert(target, zone, dest, extra = []) {
  const args = ['convert', 'source/_posts', '--out', dest, ...postscrubArgs(target, zone, extra)];
  const r = run(opts.postscrub, args, { cwd: ORIG });
  const lines = r.stderr.split('\n');
  return {
    cmd: `postscrub ${args.map((x) => (/[\s]/.test(x) ? `'${x}'` : x)).join(' ')}`,
    code: r.code,
    secs: r.secs,
    stderr: r.stderr,
    errors: lines.filter((l) => /^error\b/i.test(l)).length,
    warnings: lines.filter((l) => /^warning\b/i.test(l)),
    failed: r.code >= 2 || r.signal !== null,
  };
}

// ---------------------------------------------------------------- generators

const HEXO_CLI = path.join(HERE, 'node_modules', 'hexo-cli', 'bin', 'hexo');
const machineEnv = { TZ: config.machineTz };

function setHexoConfig(site, zone, publicDir, converted) {
  let c = fs.readFileSync(path.join(HERE, 'hexo', '_config.yml'), 'utf8');
  c = c.replace(/^timezone:.*$/m, `timezone: ${zone}`).replace(/^public_dir:.*$/m, `public_dir: ${publicDir}`);
  if (converted && config.typographer === 'off') c += 'marked:\n  smartypants: false\n';
  fs.writeFileSync(path.join(site, '_config.yml'), c);
}

function buildHexo(site, zone, converted = false) {
  const pub = `public-${zoneSlug(zone)}`;
  setHexoConfig(site, zone, pub, converted);
  fs.rmSync(path.join(site, 'db.json'), { force: true });
  const r = run(process.execPath, [HEXO_CLI, 'generate', '--cwd', site], { cwd: site, env: machineEnv });
  const lines = r.out.split('\n');
  return {
    out: path.join(site, pub),
    code: r.code,
    secs: r.secs,
    log: r.out,
    warnings: lines.filter((l) => /^\s*WARN\b/.test(l)),
    errors: lines.filter((l) => /^\s*(ERROR|FATAL)\b/.test(l)),
  };
}

function haveCmd(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

function buildHugo(site, zone, unsafe) {
  let c = fs.readFileSync(path.join(HERE, 'hugo', 'hugo.toml'), 'utf8');
  c = c.replace(/^timeZone = .*$/m, `timeZone = "${zone}"`).replace(/^unsafe = .*$/m, `unsafe = ${unsafe}`);
  if (config.typographer === 'off') c += '\n[markup.goldmark.extensions]\ntypographer = false\n';
  fs.writeFileSync(path.join(site, 'hugo.toml'), c);
  const r = run('hugo', ['--source', site, '--destination', path.join(site, 'public'), '--cleanDestinationDir', '--noBuildLock'], { env: machineEnv });
  const lines = r.out.split('\n');
  return {
    out: path.join(site, 'public'),
    code: r.code,
    secs: r.secs,
    log: r.out,
    warnings: lines.filter((l) => /^\s*WARN\b/.test(l)),
    errors: lines.filter((l) => /^\s*(ERROR|Error:)\b/.test(l)),
  };
}

function buildJekyll(site, zone) {
  let c = fs.readFileSync(path.join(HERE, 'jekyll', '_config.yml'), 'utf8');
  c = c.replace(/^timezone:.*$/m, `timezone: ${zone}`);
  if (config.typographer === 'off') {
    c += 'kramdown:\n  smart_quotes: ["apos", "apos", "quot", "quot"]\n'
      + '  typographic_symbols: { hellip: "...", mdash: "---", ndash: "--", laquo: "<<", raquo: ">>", laquo_space: "<< ", raquo_space: " >>" }\n';
  }
  fs.writeFileSync(path.join(site, '_config.yml'), c);
  const r = run('jekyll', ['build', '--source', site, '--destination', path.join(site, '_site'), '--disable-disk-cache', '--quiet'], { env: machineEnv });
  const lines = r.out.split('\n');
  return {
    out: path.join(site, '_site'),
    code: r.code,
    secs: r.secs,
    log: r.out,
    warnings: lines.filter((l) => /\b(warning|Conflict|Deprecation)\b/i.test(l)),
    errors: lines.filter((l) => /\b(Error|Exception)\b/.test(l)),
  };
}

// config.jekyllDateNames: `YYYY-MM-DD-` from the post's date (in the site zone) before names
// that lack it. Returns how many were renamed.
function dateNames(dir, zone) {
  let n = 0;
  for (const f of walk(dir, isPost)) {
    const base = path.basename(f);
    if (/^\d{4}-\d{2}-\d{2}-/.test(base)) continue;
    const { fm } = splitFrontMatter(fs.readFileSync(f, 'utf8'));
    const data = fm === null ? {} : loadYaml(fm) || {};
    if (!data.date) continue;
    const m = data.date instanceof Date ? moment(data.date).tz(zone) : moment.tz(String(data.date), moment.ISO_8601, zone);
    if (!m.isValid()) continue;
    fs.renameSync(f, path.join(path.dirname(f), `${m.format('YYYY-MM-DD')}-${base}`));
    n += 1;
  }
  return n;
}

function pagesOf(dir) {
  const byId = new Map();
  const bySource = new Map();
  let pages = 0;
  for (const f of walk(dir, (p) => p.endsWith('.html'))) {
    const page = readPage(fs.readFileSync(f, 'utf8'));
    if (!page) continue;
    pages += 1;
    page.file = path.relative(dir, f);
    if (page.id) {
      if (!byId.has(page.id)) byId.set(page.id, []);
      byId.get(page.id).push(page);
    }
    bySource.set(page.source, page);
  }
  return { byId, bySource, pages };
}

// ---------------------------------------------------------------- builds

const zones = config.zones;
const z0 = zones[0];
const origBuilds = {};
for (const z of zones) {
  const b = buildHexo(REF, z);
  log(`hexo original (${z}): exit ${b.code}, ${b.secs.toFixed(1)} s`);
  origBuilds[z] = { build: b, pages: pagesOf(b.out) };
}

const skipped = {};
const rows = {};
for (const gen of generators) {
  if (gen !== 'hexo' && !haveCmd(gen)) {
    skipped[gen] = `${gen} is not installed (scripts/site-check installs it with apt-get when run as root)`;
    log(`skipping ${gen}: ${skipped[gen]}`);
    continue;
  }
  const row = { gen, convs: {}, builds: {}, pages: {}, hugoUnsafe: null };
  for (const z of zones) {
    const site = path.join(W, `${gen}-${zoneSlug(z)}`);
    copySkeleton(gen, site);
    const content = { hexo: path.join(site, 'source', '_posts'), hugo: path.join(site, 'content', 'posts'), jekyll: path.join(site, '_posts') }[gen];
    // The original site's _config.yml says the zone, as a user's does (postscrub may read it).
    setHexoConfig(ORIG, z, 'public', false);
    const conv = convert(gen, z, content);
    row.convs[z] = conv;
    log(`postscrub --target ${gen} (${z}): exit ${conv.code}, ${conv.warnings.length} warnings, ${conv.secs.toFixed(1)} s`);
    let b;
    if (gen === 'hexo') {
      linkNodeModules(site);
      b = buildHexo(site, z, true);
    } else if (gen === 'hugo') {
      let unsafe = config.hugoUnsafe;
      if (unsafe === 'auto') unsafe = /unsafe\s*=\s*true/.test(conv.stderr);
      row.hugoUnsafe = unsafe;
      b = buildHugo(site, z, unsafe);
    } else {
      if (config.jekyllDateNames) row.renamed = dateNames(content, z);
      b = buildJekyll(site, z);
    }
    log(`${gen} converted (${z}): exit ${b.code}, ${b.secs.toFixed(1)} s`);
    row.builds[z] = b;
    row.pages[z] = pagesOf(b.out);
    if (z === z0) row.contentDir = content;
  }
  rows[gen] = row;
}

// What the rules removed, per target: the visible text of `--to html` with the shipped rules
// against the same with no rules at all.
const NONE = path.join(W, 'no-rules.yaml');
fs.writeFileSync(NONE, 'name: site-check-no-rules\ndescription: no rules, to see what the shipped rules remove\n');
function htmlTexts(dir) {
  const m = new Map();
  for (const f of walk(dir, isPost)) {
    const text = fs.readFileSync(f, 'utf8');
    const { fm, body } = splitFrontMatter(text);
    const data = fm === null ? {} : loadYaml(fm) || {};
    const v = visible(body);
    m.set(String(data.sitecheck_id ?? path.relative(dir, f)), { plain: v.text, literal: visible(body, { literalCode: true }).text, images: v.images, embeds: v.embeds.length });
  }
  return m;
}
const ruleHunks = {};
const cleanedText = {};
const ruleRemoved = {}; // gen → id → { images, embeds } the rules removed
for (const gen of Object.keys(rows)) {
  const on = path.join(W, 'rules', `${gen}-on`);
  const off = path.join(W, 'rules', `${gen}-off`);
  setHexoConfig(ORIG, z0, 'public', false);
  const a = convert(gen, z0, on, ['--to', 'html']);
  const b = convert(gen, z0, off, ['--to', 'html', '--rules', NONE]);
  if (a.failed || b.failed) log(`warning: a --to html run for ${gen} failed (exit ${a.code}/${b.code}); rule attribution may be incomplete`);
  const ton = htmlTexts(on);
  const toff = htmlTexts(off);
  cleanedText[gen] = ton;
  ruleRemoved[gen] = new Map(posts.map((p) => {
    const a1 = toff.get(p.id);
    const b1 = ton.get(p.id);
    return [p.id, { images: Math.max(0, (a1?.images ?? 0) - (b1?.images ?? 0)), embeds: Math.max(0, (a1?.embeds ?? 0) - (b1?.embeds ?? 0)) }];
  }));
  ruleHunks[gen] = new Map();
  for (const p of posts) ruleHunks[gen].set(p.id, hunks(toff.get(p.id)?.plain ?? '', ton.get(p.id)?.plain ?? ''));
}

// ---------------------------------------------------------------- comparison

function one(list) {
  return list && list.length ? list[0] : undefined;
}

function convertedFrontMatter(gen, post) {
  // The converted file of this post, found by its id (the file may have been renamed).
  const row = rows[gen];
  if (!row.fmIndex) {
    row.fmIndex = new Map();
    for (const f of walk(row.contentDir, isPost)) {
      const { fm } = splitFrontMatter(fs.readFileSync(f, 'utf8'));
      const data = fm === null ? {} : loadYaml(fm) || {};
      row.fmIndex.set(String(data.sitecheck_id ?? ''), { file: path.relative(row.contentDir, f), data });
    }
  }
  return row.fmIndex.get(post.id);
}

const origRow = { built: 0, embeds: 0, images: 0, dates: {}, notBuilt: [], dateDetails: {} };
const origText = new Map();
for (const p of posts) {
  const page = one(origBuilds[z0].pages.byId.get(p.id));
  if (!page) {
    origRow.notBuilt.push(p.rel);
    continue;
  }
  origRow.built += 1;
  const v = visible(page.body);
  origRow.embeds += v.embeds.length;
  origRow.images += v.images;
  origText.set(p.id, { page, v });
}
for (const z of zones) {
  origRow.dates[z] = { same: 0, none: 0, off: [] };
  for (const p of posts) {
    const meant = meantInstant(p.rawDate, z);
    const page = one(origBuilds[z].pages.byId.get(p.id));
    const got = page ? renderedInstant(page.date) : undefined;
    if (meant.ms === undefined) origRow.dates[z].none += 1;
    else if (got === meant.ms) origRow.dates[z].same += 1;
    else origRow.dates[z].off.push({ rel: p.rel, raw: p.rawDate, meant: meant.ms, got });
  }
}

const results = {};
for (const gen of Object.keys(rows)) {
  const row = rows[gen];
  const r = {
    built: 0, notBuilt: [], hidden: [], duplicates: [], identical: 0, rule: 0, fix: 0, other: 0,
    embedsOrig: 0, embedsKept: 0, imagesOrig: 0, imagesKept: 0, rawOmitted: 0,
    dates: {}, reserved: [], posts: [],
  };
  for (const p of posts) {
    const pages = row.pages[z0].byId.get(p.id) || [];
    const o = origText.get(p.id);
    if (pages.length > 1) r.duplicates.push(`${p.rel} (${pages.map((x) => x.file).join(', ')})`);
    const page = pages[0];
    if (!page) {
      const conv = convertedFrontMatter(gen, p);
      if (gen === 'hexo' && p.hidden && conv && hexoHidden(conv.file)) {
        // Skipped by Hexo for its name, as on the original site: fine when postscrub said so.
        const names = [p.rel, conv.file, path.basename(p.rel)];
        const warned = zones.every((z) => rows[gen].convs[z].warnings.some((l) => names.some((n) => l.includes(n))));
        r.hidden.push({ rel: p.rel, warned });
        if (warned) continue;
      }
      r.notBuilt.push(p.rel);
      continue;
    }
    r.built += 1;
    const c = visible(page.body);
    r.rawOmitted += c.rawOmitted;
    const rec = { rel: p.rel, hunks: [], title: null, rawOmitted: c.rawOmitted };
    if (!o) {
      rec.category = 'other';
      rec.hunks.push({ kind: 'other', text: 'the original post was not built by Hexo, nothing to compare with' });
    } else {
      // Images and embeds the original page showed, less those the rules removed on purpose.
      const removed = ruleRemoved[gen].get(p.id);
      const wantEmbeds = Math.max(0, o.v.embeds.length - removed.embeds);
      const wantImages = Math.max(0, o.v.images - removed.images);
      r.embedsOrig += wantEmbeds;
      r.embedsKept += Math.min(wantEmbeds, c.embeds.length);
      r.imagesOrig += wantImages;
      r.imagesKept += Math.min(wantImages, c.images);
      if (c.embeds.length < wantEmbeds) rec.embedsLost = wantEmbeds - c.embeds.length;
      if (c.images < wantImages) rec.imagesLost = wantImages - c.images;
      const cats = new Set();
      if (o.page.title !== page.title) {
        cats.add('other');
        rec.hunks.push({ kind: 'other', text: `title: «${o.page.title}» → «${page.title}»` });
      }
      const classify = (a, b, withRules) => hunks(a, b).map((h) => {
        let kind = 'other';
        let why = '';
        if (withRules && ruleAttributed(h, ruleHunks[gen].get(p.id))) kind = 'rule';
        else {
          const f = deliberateFix(h, fixes, p.rel, gen);
          if (f) {
            kind = 'fix';
            why = f.id;
          } else {
            why = label(h);
            if (!why && c.rawOmitted && !squeeze(h.add)) why = `${gen} left out raw HTML ("raw HTML omitted": markup.goldmark.renderer.unsafe is false)`;
          }
        }
        return { kind, why, text: snippet(a, h) };
      });
      let hs = classify(o.v.text, c.text, true);
      if (hs.some((h) => h.kind === 'other')) {
        // Does the converted page show what the post's cleaned HTML says? Then the original site
        // was the one that misread it (deliberate-fixes.mjs, faithfulToTheHtml).
        const cleaned = cleanedText[gen].get(p.id);
        const plain = cleaned && classify(cleaned.plain, c.text, false);
        const literal = cleaned && classify(cleaned.literal, c.text, false);
        const clean = (x) => x && !x.some((h) => h.kind === 'other');
        if (clean(plain) || clean(literal)) {
          const why = clean(plain) ? faithfulToTheHtml.id : `${faithfulToTheHtml.id}, ${codeKeptLiterally.id}`;
          hs = hs.map((h) => (h.kind === 'other' ? { ...h, kind: 'fix', why } : h));
        } else if (literal) {
          rec.againstHtml = literal.filter((h) => h.kind === 'other');
        }
      }
      for (const h of hs) {
        cats.add(h.kind);
        rec.hunks.push(h);
      }
      rec.category = cats.has('other') ? 'other' : cats.has('fix') ? 'fix' : cats.has('rule') ? 'rule' : 'identical';
    }
    r[rec.category === 'identical' ? 'identical' : rec.category] += 1;
    const fmc = convertedFrontMatter(gen, p);
    if (fmc) {
      const hit = (config.reservedFields[gen] || []).filter((k) => Object.prototype.hasOwnProperty.call(fmc.data, k));
      if (hit.length) r.reserved.push(`${p.rel}: ${hit.map((k) => `${k}: ${JSON.stringify(fmc.data[k])}`).join(', ')}`);
    }
    r.posts.push(rec);
  }
  for (const z of zones) {
    r.dates[z] = { same: 0, none: 0, off: [] };
    for (const p of posts) {
      const meant = meantInstant(p.rawDate, z);
      const page = one(row.pages[z].byId.get(p.id));
      if (!page) continue;
      const got = renderedInstant(page.date);
      const origPage = one(origBuilds[z].pages.byId.get(p.id));
      const origGot = origPage ? renderedInstant(origPage.date) : undefined;
      if (meant.ms === undefined) {
        r.dates[z].none += 1;
      } else if (got === meant.ms) r.dates[z].same += 1;
      else r.dates[z].off.push({ rel: p.rel, raw: p.rawDate, meant: meant.ms, got, origGot });
    }
  }
  results[gen] = r;
}

// ---------------------------------------------------------------- report

const fmtKept = (kept, all) => `${kept}/${all}`;
const header = ['generator', 'posts in', 'built', 'errors', 'warnings', 'identical', 'rule-attributed', 'deliberate fixes', 'other', 'embeds kept', 'images kept', ...zones.map((z) => `date same instant (${z})`), 'reserved fields'];
const table = [header];
table.push([
  'hexo, original posts (reference)', posts.length, `${origRow.built}${posts.some((p) => p.hidden) ? ` (${posts.filter((p) => p.hidden).length} hidden by name, built renamed)` : ''}`,
  zones.map((z) => origBuilds[z].build.errors.length + (origBuilds[z].build.code ? 1 : 0)).reduce((a, b) => a + b, 0),
  zones.map((z) => origBuilds[z].build.warnings.length).reduce((a, b) => a + b, 0),
  '—', '—', '—', '—', origRow.embeds, origRow.images,
  ...zones.map((z) => `${origRow.dates[z].same}/${posts.length - origRow.dates[z].none}${origRow.dates[z].none ? ` (+${origRow.dates[z].none} no date)` : ''}`),
  '—',
]);
for (const gen of generators) {
  if (skipped[gen]) {
    table.push([gen, posts.length, 'skipped', ...header.slice(3).map(() => '—')]);
    continue;
  }
  const r = results[gen];
  const row = rows[gen];
  const errors = zones.map((z) => row.convs[z].errors + (row.convs[z].failed ? 1 : 0) + row.builds[z].errors.length + (row.builds[z].code ? 1 : 0)).reduce((a, b) => a + b, 0);
  const warnings = zones.map((z) => row.convs[z].warnings.length + row.builds[z].warnings.length).reduce((a, b) => a + b, 0);
  // Hugo's raw-HTML advice, which the check follows (hugoUnsafe: auto): said apart.
  const followed = row.hugoUnsafe === true ? zones.map((z) => row.convs[z].warnings.filter((l) => /unsafe\s*=\s*true/.test(l)).length).reduce((a, b) => a + b, 0) : 0;
  table.push([
    gen, posts.length, `${r.built}${r.hidden.length ? ` (+${r.hidden.length} hidden name${r.hidden.filter((h) => !h.warned).length ? ', not warned' : ', warned'})` : ''}`, errors, followed ? `${warnings} (${followed} say to set Hugo's unsafe = true: done)` : warnings, r.identical, r.rule, r.fix, r.other,
    fmtKept(r.embedsKept, r.embedsOrig), fmtKept(r.imagesKept, r.imagesOrig),
    ...zones.map((z) => `${r.dates[z].same}/${r.built - r.dates[z].none}${r.dates[z].none ? ` (+${r.dates[z].none} no date)` : ''}`),
    r.reserved.length,
  ]);
}

function markdownTable(t) {
  const lines = [`| ${t[0].join(' | ')} |`, `|${t[0].map(() => '---').join('|')}|`];
  for (const r of t.slice(1)) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

const failures = [];
const report = [];
const say = (s = '') => report.push(s);
say('# site-check');
say();
say(`postscrub: ${path.relative(ROOT, opts.postscrub) || opts.postscrub}; zones: ${zones.join(', ')}; machine TZ while building: ${config.machineTz}`);
for (const gen of Object.keys(rows)) say(`- ${gen}: \`${rows[gen].convs[z0].cmd}\``);
if (rows.hugo) say(`- hugo: markup.goldmark.renderer.unsafe = ${rows.hugo.hugoUnsafe} (config.mjs hugoUnsafe: ${config.hugoUnsafe})`);
say(`- typographic substitutions of the converted sites' Markdown renderers: ${config.typographer === 'off' ? 'turned off' : 'left on (each generator\'s default)'} (config.mjs typographer)`);
if (rows.jekyll && config.jekyllDateNames) say(`- DIAGNOSIS: ${rows.jekyll.renamed} converted Jekyll posts were given a YYYY-MM-DD- name by site-check, not by postscrub (config.mjs jekyllDateNames)`);
say();
say(markdownTable(table));
say();
say('Counts: errors and warnings add up postscrub\'s and the generator\'s, over all zones\' runs. Text is compared on the '
  + `${z0} builds. Dates: converted posts whose rendered instant equals the instant the source date means (site-check/lib/dates.mjs); `
  + 'the reference row shows how the original site itself rendered them.');
if (gaps.length) {
  say();
  say('## Gaps in today\'s postscrub');
  for (const g of gaps) say(`- ${g}`);
}
for (const [gen, why] of Object.entries(skipped)) {
  say(`- ${gen} skipped: ${why}`);
  if ((process.env.SITE_CHECK_REQUIRE || '').split(',').includes(gen)) failures.push(`${gen} skipped but SITE_CHECK_REQUIRE names it`);
}

const list = (title, items, limit = Infinity) => {
  if (!items.length) return;
  say();
  say(`### ${title} (${items.length})`);
  for (const it of items.slice(0, limit)) say(`- ${it}`);
  if (items.length > limit) say(`- … and ${items.length - limit} more (see report.md)`);
};

const full = [];
const reference = [];
{
  const off = zones.flatMap((z) => origRow.dates[z].off.map((d) => `${z}: ${d.rel}: \`date: ${d.raw}\` means ${iso(d.meant)}, the original site shows ${iso(d.got)}`));
  if (origRow.notBuilt.length) failures.push(`${origRow.notBuilt.length} original posts not built by Hexo`);
  for (const z of zones) {
    const b = origBuilds[z].build;
    if (b.code || b.errors.length) failures.push(`the original Hexo build (${z}) failed: exit ${b.code}`);
  }
  reference.push(['original posts not built by Hexo', origRow.notBuilt]);
  reference.push(['original posts whose Hexo build shows another instant than the source date means', off]);
}

for (const gen of Object.keys(rows)) {
  const r = results[gen];
  const row = rows[gen];
  const sec = [];
  sec.push([`${gen}: posts not built`, r.notBuilt]);
  sec.push([`${gen}: posts built more than once`, r.duplicates]);
  sec.push([`${gen}: posts Hexo skips for their name (a segment starts with _), as the original site did`, r.hidden.map((h) => `${h.rel}: ${h.warned ? 'postscrub warned' : 'postscrub did not warn, so it counts as not built'}`)]);
  const other = r.posts.filter((x) => x.category === 'other');
  const fmt = (x, limit) => {
    const against = x.againstHtml || [];
    const hs = against.length ? against : x.hunks.filter((h) => h.kind === 'other');
    const shown = hs.slice(0, limit).map((h) => `${h.why ? `(${h.why}) ` : ''}${h.text}`);
    const more = hs.length > limit ? ` … +${hs.length - limit} more` : '';
    const n = x.hunks.filter((h) => h.kind === 'other').length;
    const head = against.length
      ? `${n} difference${n === 1 ? '' : 's'} from the original site; ${against.length} from the post's cleaned HTML (postscrub --to html → converted page), shown`
      : `${n} unexplained difference${n === 1 ? '' : 's'} (original site → converted page)`;
    return `${x.rel}: ${head}${x.embedsLost ? `; ${x.embedsLost} embed(s) lost` : ''}${x.imagesLost ? `; ${x.imagesLost} image(s) lost` : ''}\n    ${shown.join('\n    ')}${more}`;
  };
  sec.push([`${gen}: other (unexplained text differences)`, other, fmt]);
  sec.push([`${gen}: posts with lost embeds`, r.posts.filter((x) => x.embedsLost).map((x) => `${x.rel}: ${x.embedsLost} lost`)]);
  sec.push([`${gen}: posts where the generator left out raw HTML`, r.posts.filter((x) => x.rawOmitted).map((x) => `${x.rel}: ${x.rawOmitted} "raw HTML omitted"`)]);
  sec.push([`${gen}: posts with lost images`, r.posts.filter((x) => x.imagesLost).map((x) => `${x.rel}: ${x.imagesLost} lost`)]);
  sec.push([`${gen}: deliberate fixes`, r.posts.filter((x) => x.category === 'fix').map((x) => `${x.rel}: ${[...new Set(x.hunks.filter((h) => h.kind === 'fix').map((h) => h.why))].join(', ')}`)]);
  sec.push([`${gen}: front-matter fields the generator overwrites`, r.reserved]);
  for (const z of zones) {
    sec.push([`${gen} (${z}): dates at another instant`, r.dates[z].off.map((d) => `${d.rel}: \`date: ${d.raw}\` means ${iso(d.meant)}, converted site shows ${iso(d.got)} (original site: ${iso(d.origGot)})`)]);
    const b = row.builds[z];
    const c = row.convs[z];
    sec.push([`${gen} (${z}): postscrub warnings`, c.warnings]);
    sec.push([`${gen} (${z}): generator warnings`, b.warnings]);
    sec.push([`${gen} (${z}): generator errors`, b.code ? [...b.errors, `exit ${b.code}; log: ${b.log.split('\n').slice(-6).join(' ⏎ ')}`] : b.errors]);
    if (c.failed) sec.push([`${gen} (${z}): postscrub failed`, [`exit ${c.code}: ${c.stderr.split('\n').slice(-6).join(' ⏎ ')}`]]);
    if (b.code || b.errors.length) failures.push(`${gen} build (${z}) errored`);
    if (c.failed || c.errors) failures.push(`postscrub --target ${gen} (${z}) reported errors`);
    if (r.dates[z].off.length) failures.push(`${gen} (${z}): ${r.dates[z].off.length} posts dated at another instant`);
  }
  if (r.notBuilt.length) failures.push(`${gen}: ${r.notBuilt.length} posts not built`);
  if (r.duplicates.length) failures.push(`${gen}: ${r.duplicates.length} posts built more than once`);
  if (r.other) failures.push(`${gen}: ${r.other} posts with unexplained text differences`);
  if (r.reserved.length) failures.push(`${gen}: ${r.reserved.length} posts with a front-matter field the generator overwrites`);
  if (features.embeds && config.postscrub.embeds === 'keep' && r.embedsKept < r.embedsOrig) failures.push(`${gen}: ${r.embedsOrig - r.embedsKept} embeds lost with --embeds keep`);
  full.push(sec);
}

const stdoutReport = [...report];
const emit = (sections, limitItems, limitHunks) => {
  for (const [title, items, fmt] of sections) {
    const rendered = items.map((x) => (fmt ? fmt(x, limitHunks) : x));
    if (!rendered.length) continue;
    report.push('', `### ${title} (${rendered.length})`, ...rendered.slice(0, limitItems).map((x) => `- ${x}`));
    if (rendered.length > limitItems) report.push(`- … and ${rendered.length - limitItems} more (see report.md)`);
  }
};
// stdout: everything, with long lists cut; report.md: everything in full.
report.length = 0;
report.push(...stdoutReport);
emit(reference, 10, opts.details);
for (const sec of full) emit(sec, 40, opts.details);
const shortText = report.join('\n');
report.length = 0;
report.push(...stdoutReport);
emit(reference, Infinity, Infinity);
for (const sec of full) emit(sec, Infinity, Infinity);
const fullText = report.join('\n');

// One line a CI log reader understands: a post of one generator passes when it is built (or
// skipped by Hexo for its name, with postscrub's warning), its title and text are identical or
// explained, its date is at the meant instant in every zone and it keeps no overwritten field.
let passed = 0;
let failedPosts = 0;
for (const gen of Object.keys(rows)) {
  const r = results[gen];
  const bad = new Set(r.notBuilt);
  for (const x of r.posts) if (x.category === 'other') bad.add(x.rel);
  for (const z of zones) for (const d of r.dates[z].off) bad.add(d.rel);
  for (const line of r.reserved) bad.add(line.slice(0, line.indexOf(': ')));
  failedPosts += bad.size;
  passed += posts.length - bad.size;
}

let verdict;
if (failures.length) verdict = `site-check: FAIL\n${failures.map((f) => `- ${f}`).join('\n')}`;
else verdict = 'site-check: PASS: every post built, its text explained and its date at the same instant';
fs.writeFileSync(path.join(W, 'report.md'), `${fullText}\n\n${verdict}\n`);
fs.writeFileSync(path.join(W, 'report.json'), JSON.stringify({ posts: posts.length, zones, gaps, skipped, table, original: origRow, results, failures }, null, 1));
process.stdout.write(`${shortText}\n\n${verdict}\n(full report: ${path.relative(process.cwd(), path.join(W, 'report.md'))})\n`);
process.stdout.write(`site-check: ${passed} passed, ${failedPosts} failed\n`);
process.exit(failures.length && !opts.reportOnly ? 1 : 0);
