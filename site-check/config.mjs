// scripts/site-check's knobs, in one place: how postscrub is run (the flags a user would type),
// which site zones are built, and the generator settings that a user may be told to change.
// Change a flag here, not in run.mjs.

export default {
  // Site time zones: every site is built once per zone, with the zone set in the generator's
  // own config (Hexo `timezone`, Hugo `timeZone`, Jekyll `timezone`) and, for postscrub, with
  // `zoneFlag`. The first zone's builds also give the text comparison.
  zones: ['Asia/Shanghai', 'UTC'],

  // The machine's zone (TZ) while the generators run. Hexo 8's reading of dates that carry an
  // offset depends on it (see README.md); CI machines are UTC. Override: SITE_CHECK_MACHINE_TZ.
  machineTz: process.env.SITE_CHECK_MACHINE_TZ || 'UTC',

  // postscrub, as a user runs it on a Hexo site's posts: the shipped presets (the default when no
  // --rules and no config file), one target per generator. postscrub runs from the original
  // Hexo site's root, so a postscrub that detects sites sees the site's _config.yml too.
  postscrub: {
    common: ['--no-config', '--no-progress', '--color', 'never'],
    // How postscrub learns the site zone. null: from the site, as a user's postscrub does (it
    // reads the original Hexo site's _config.yml `timezone`, which the check sets per zone).
    // '--timezone': passed as `--timezone ZONE` instead (SITE_CHECK_TIMEZONE_FLAG=1).
    zoneFlag: process.env.SITE_CHECK_TIMEZONE_FLAG === '1' ? '--timezone' : null,
    targets: {
      hexo: ['--target', 'hexo'],
      hugo: ['--target', 'hugo'],
      jekyll: ['--target', 'jekyll'],
    },
    // `--embeds keep|link|drop` (issue 10). Passed only when `postscrub convert --help` lists
    // the flag; until then the check reports the gap and postscrub does what it does by default.
    embeds: 'keep',
  },

  // Hugo drops raw HTML unless markup.goldmark.renderer.unsafe is true. 'auto': set it to true
  // when postscrub's output for --target hugo tells the user to (a user who follows the advice),
  // else keep Hugo's default (false). true/false force it.
  hugoUnsafe: 'auto',

  // The Markdown renderers' typographic substitutions (hexo-renderer-marked `smartypants`, Hugo's
  // goldmark `typographer`, kramdown's smart quotes and symbols) would turn the straight quotes,
  // `--` and `...` of converted text into curly quotes, dashes and an ellipsis; the original
  // posts' raw HTML never went through them. postscrub writes those characters escaped where a
  // typographer would change them (its `--typographer`, default auto: on). 'default': each
  // generator's default (on), what a user gets. 'off': turned off in the converted sites and
  // `--typographer off` passed to postscrub, as by a user who turned it off.
  // Override: SITE_CHECK_TYPOGRAPHER=off.
  typographer: process.env.SITE_CHECK_TYPOGRAPHER || 'default',

  // Diagnosis only, off by default: give a converted Jekyll post whose name lacks the
  // `YYYY-MM-DD-` that Jekyll requires that prefix, from its date, so that Jekyll builds it. Since
  // postscrub names Jekyll posts itself (a post without a date by its file's day, as Hexo dates
  // it) this finds nothing to do. The report says when it is on.
  // Override: SITE_CHECK_JEKYLL_DATE_NAMES=1.
  jekyllDateNames: process.env.SITE_CHECK_JEKYLL_DATE_NAMES === '1',

  // Generators asked for. A generator that is not installed (and cannot be installed by
  // scripts/site-check) is reported as skipped; SITE_CHECK_REQUIRE=hugo,jekyll makes that fail.
  generators: ['hexo', 'hugo', 'jekyll'],

  // Front-matter fields that a generator computes itself and overwrites, so that a value a rule
  // wrote there never reaches the page (Hexo 8: lib/models/post.js and the post processor).
  reservedFields: {
    hexo: ['source', 'full_source', 'path', 'permalink', 'raw', '_content', 'content', 'excerpt', 'more', 'asset_dir'],
    hugo: [],
    jekyll: [],
  },
};
