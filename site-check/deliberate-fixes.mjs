// Text differences between the original site and the converted one that are deliberate: the
// converted site shows something other than the old one did, on purpose, and not because a rule
// removed it. Each entry says why. Keep it short and precise: an entry that matches too much
// hides a regression.
//
// Rule-attributed removals (text of elements postscrub's rules removed, or moved into front
// matter) need no entry: scripts/site-check gets them from postscrub itself (site-check/README.md).

// 1. The converted site shows what the post's HTML says where the original site did not.
//
// The original posts are scraped HTML inside a Markdown file, and hexo-renderer-marked reads
// them as Markdown: a raw-HTML block ends at the first blank line, and what follows is Markdown
// again. So where a post's HTML has a blank line inside a <pre> (Juejin, Dockone and OSChina code)
// or an indented line after one, the original site shows the HTML source as text (`<span
// class="hljs-keyword">`, `&#123;`), as an indented code block, or with the quotes of code
// turned typographic. postscrub's contract is "faithful by default: the Markdown means what the
// HTML meant" (DESIGN.md), so such a post is a deliberate fix when the converted page's text is
// exactly the text of the post's cleaned HTML (`postscrub convert --to html`, shown by a
// browser) — the converted site then shows what the HTML says, and the original site was wrong.
// When the converted page differs from the cleaned HTML too, the post is "other", and the report
// shows those differences (they are postscrub's or the renderer's).
export const faithfulToTheHtml = {
  id: 'original-site-misread-the-html',
  why: 'the original site (hexo-renderer-marked) did not show what the post\'s HTML says; the converted site does',
};

// 2. Code kept as the author wrote it.
//
// Scrapers often unescape code once too often, so `Map&lt;String, Object&gt;` arrives as
// `Map<String, Object>` inside <pre>; a browser takes `<String,>` for a tag and hides it, and
// so does the original site. postscrub keeps such text as the literal code (DESIGN.md, Markdown
// output: "text that the HTML tokenizer would take for a tag but that is no HTML element is kept
// as the literal code the author wrote"). A difference is this fix when the converted page shows
// it inside <pre>/<code>, it adds text with a `<` or `>` to what the other side shows (which it
// keeps, in order), and that text is in the post's source as written (entities decoded).
export const codeKeptLiterally = {
  id: 'code-kept-literally',
  why: 'markup-looking code the source holds unescaped (`Map<String, Object>`), hidden by a browser, kept as text',
};

// 3. Single differences, matched on one hunk of the comparison (what the original page showed →
// what the converted page shows, white space removed from both). An entry matches when:
//   del  matches the whole of the original's side,
//   add  matches the whole of the converted side,
//   post (optional) matches the post's path under source/_posts,
//   generators (optional) lists the generators the entry is for.
// None are needed today.
export default [
];
