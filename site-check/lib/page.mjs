// Reads one built page: the title, the meta line (post id, source path, date instant) and the
// post body that the site-check layouts print between two markers, and turns the body into the
// text a reader sees. Every generator's page goes through this one function, so the originals
// and the conversions are measured the same way.
import { parse, parseFragment } from 'parse5';

const BODY_START = '<div id="sitecheck-body">';
const BODY_END = '<div id="sitecheck-end"></div>';

// Elements whose content a browser does not show as text.
const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'head', 'title']);
// Elements that start a new line (the text on either side is not one word).
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'dialog', 'div',
  'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5',
  'h6', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'iframe', 'video', 'audio', 'img',
]);
const EMBED = new Set(['iframe', 'video', 'audio', 'embed', 'object']);

function attr(node, name) {
  const a = (node.attrs || []).find((x) => x.name === name);
  return a ? a.value : undefined;
}

function isHidden(node) {
  if (HIDDEN.has(node.nodeName)) return true;
  if (attr(node, 'hidden') !== undefined) return true;
  const style = attr(node, 'style');
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  // Hexo's highlight.js line numbers: not the author's text.
  const cls = attr(node, 'class');
  if (node.nodeName === 'td' && cls && /(^|\s)gutter(\s|$)/.test(cls)) return true;
  return false;
}

/**
 * The visible text of an HTML fragment, white space collapsed as CSS does, with the embeds and
 * images it holds. `code` is a string as long as `text`: `c` where the character is inside
 * <pre> or <code>, `.` elsewhere.
 */
export function visible(html, { literalCode = false } = {}) {
  // `</>` is dropped by the HTML tokenizer without a trace; in code it is text (`'<></>'`).
  if (literalCode) html = html.replace(/<\/>/g, '&lt;/&gt;');
  const frag = parseFragment(html, { sourceCodeLocationInfo: literalCode });
  const parts = []; // [text, inCode, isSourceText]
  const embeds = [];
  let images = 0;
  let rawOmitted = 0;
  const walk = (node, inCode, source) => {
    const src = (loc) => (loc ? source.slice(loc.startOffset, loc.endOffset) : '');
    // Code the tokenizer took for a tag or a bogus comment: its `<` or `</` is text, and the
    // rest of it is read again (it can hold real tags: `<b && <span>c</span>`).
    const literal = (raw) => {
      const lead = /^<\/?/.exec(raw)[0];
      parts.push([lead, inCode, true]);
      const rest = raw.slice(lead.length);
      for (const k of parseFragment(rest, { sourceCodeLocationInfo: true }).childNodes) walk(k, inCode, rest);
    };
    if (node.nodeName === '#text') {
      parts.push([node.value, inCode, true]);
      return;
    }
    if (node.nodeName === '#comment') {
      if (/raw HTML omitted/.test(node.data)) rawOmitted += 1;
      // In code, a bogus comment (`<?>`, `</<span …>`) is text the author wrote.
      const raw = src(node.sourceCodeLocation);
      if (literalCode && inCode && raw && !raw.startsWith('<!--')) literal(raw);
      return;
    }
    if (literalCode && inCode && node.sourceCodeLocation && isLiteralTag(node, source)) {
      const loc = node.sourceCodeLocation;
      if (loc.startTag) literal(src(loc.startTag));
      for (const k of node.childNodes || []) walk(k, inCode, source);
      if (loc.endTag) parts.push([src(loc.endTag), inCode, true]);
      return;
    }
    if (node.nodeName === 'img') images += 1;
    if (EMBED.has(node.nodeName)) {
      embeds.push(`${node.nodeName} ${attr(node, 'src') || attr(node, 'data') || ''}`.trim());
    }
    if (node.nodeName !== '#document-fragment' && isHidden(node)) return;
    const block = BLOCK.has(node.nodeName);
    const code = inCode || node.nodeName === 'pre' || node.nodeName === 'code';
    if (block) parts.push(['\n', inCode, false]);
    for (const k of node.childNodes || []) walk(k, code, source);
    if (block) parts.push(['\n', inCode, false]);
  };
  walk(frag, false, html);
  return { ...collapse(parts), embeds, images, rawOmitted };
}

// East Asian Wide, Fullwidth and Halfwidth characters other than Hangul, roughly (CSS Text 3,
// segment break transformation).
const WIDE = /[\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u{20000}-\u{3FFFD}]/u;

/**
 * White space collapsed as a browser does (CSS Text 3): a run of spaces, tabs and newlines
 * becomes one space, except that a run holding a newline of the source between two wide East
 * Asian characters is removed (segment break transformation; postscrub's converter does the
 * same). Block boundaries are one space. NBSP, U+3000 and the other \s characters count as white
 * space too, so that indents and trailing blanks do not count as text. Trimmed.
 */
export function collapse(parts) {
  const chars = [];
  for (const [t, inCode, source] of parts) {
    for (const ch of t) chars.push([ch, inCode, source]);
  }
  let text = '';
  let code = '';
  let i = 0;
  while (i < chars.length) {
    const [ch, inCode] = chars[i];
    if (!/\s/u.test(ch)) {
      text += ch;
      code += (inCode ? 'c' : '.').repeat(ch.length);
      i += 1;
      continue;
    }
    let j = i;
    let segmentBreak = false;
    let hard = false;
    while (j < chars.length && /\s/u.test(chars[j][0])) {
      if (chars[j][0] === '\n' && chars[j][2]) segmentBreak = true;
      if (!chars[j][2] || !/[ \t\n\r]/.test(chars[j][0])) hard = true;
      j += 1;
    }
    const before = text.length ? [...text].pop() : '';
    const after = j < chars.length ? chars[j][0] : '';
    const drop = segmentBreak && !hard && !inCode && WIDE.test(before) && WIDE.test(after);
    if (!drop && text.length && j < chars.length) {
      text += ' ';
      code += inCode ? 'c' : '.';
    }
    i = j;
  }
  return { text, code };
}

/** Every run of white space (JavaScript's \s: includes NBSP, U+3000, U+FEFF) becomes one space. */
export function normalize(s) {
  return s.replace(/\s+/g, ' ').trim();
}

// HTML element names (current and obsolete) and the svg and math roots: a tag with another name
// inside code is text the scraper failed to escape (`Map<String, Object>`, `List<T>`).
const HTML_ELEMENTS = new Set(`a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
blink blockquote body br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir
div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html
i iframe image img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu menuitem meta
meter multicol nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre
progress q rb rp rt rtc ruby s samp script search section select slot small source spacer span strike strong style sub
summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp`.split(/\s+/));

function isLiteralTag(node, html) {
  if (!node.tagName) return false;
  if (!HTML_ELEMENTS.has(node.tagName)) return true;
  // A tag spelled like a type or a component (`<Button>`, `<T>`): not what HTML authors write.
  const start = node.sourceCodeLocation.startTag;
  return Boolean(start) && /^<[A-Z]/.test(html.slice(start.startOffset, start.startOffset + 2));
}

function findById(node, id) {
  if (attr(node, 'id') === id) return node;
  for (const k of node.childNodes || []) {
    const f = findById(k, id);
    if (f) return f;
  }
  return undefined;
}

function textOf(node) {
  if (!node) return '';
  if (node.nodeName === '#text') return node.value;
  return (node.childNodes || []).map(textOf).join('');
}

/**
 * One built page, or undefined when it is not a post page of the check's layouts.
 * The body is cut out of the page as a string between the markers (not from the DOM), so an
 * unbalanced tag inside a post cannot move text out of it.
 */
export function readPage(html) {
  const start = html.indexOf(BODY_START);
  const end = html.lastIndexOf(BODY_END);
  if (start < 0 || end < start) return undefined;
  const head = parse(html.slice(0, start) + '</body></html>');
  const meta = findById(head, 'sitecheck-meta');
  const title = normalize(textOf(findById(head, 'sitecheck-title')));
  const body = html.slice(start + BODY_START.length, end).replace(/<\/div>\s*$/, '');
  return {
    id: meta ? attr(meta, 'data-id') || '' : '',
    source: meta ? attr(meta, 'data-source') || '' : '',
    date: meta ? attr(meta, 'data-date') || '' : '',
    title,
    body,
  };
}
