// Where two visible texts differ, as hunks (what the first had, what the second has instead),
// and whether a hunk is explained by what postscrub's rules removed or by a listed deliberate fix.
import { diffArrays } from 'diff';

// Words of ASCII letters and digits are one token; every other character is its own token, so
// Chinese text diffs character by character and English text word by word.
function tokens(s) {
  return s.match(/[A-Za-z0-9]+|\s+|[\s\S]/gu) || [];
}

const squeeze = (s) => s.replace(/\s+/g, '');

/**
 * Hunks of a → b. Hunks separated only by white space are one hunk. `delSpan` is the widest
 * stretch of `a` that the deletion could equally be taken from (a deletion next to a repeat of
 * its own first or last character can slide), so that two diffs of the same removal agree.
 */
export function hunks(a, b) {
  if (a === b) return [];
  const parts = diffArrays(tokens(a), tokens(b));
  const out = [];
  let pos = 0; // offset in a
  let posB = 0; // offset in b
  let cur = null;
  let pendingEq = '';
  for (const p of parts) {
    const text = p.value.join('');
    if (!p.added && !p.removed) {
      if (cur && /^\s*$/.test(text)) {
        pendingEq += text;
      } else {
        if (cur) out.push(cur);
        cur = null;
        pendingEq = '';
      }
      pos += text.length;
      posB += text.length;
      continue;
    }
    if (!cur) cur = { at: pos, atB: posB, del: '', add: '' };
    else if (pendingEq) {
      cur.del += pendingEq;
      cur.add += pendingEq;
      pendingEq = '';
    }
    if (p.removed) {
      cur.del += text;
      pos += text.length;
    } else {
      cur.add += text;
      posB += text.length;
    }
  }
  if (cur) out.push(cur);
  for (const h of out) {
    let lo = h.at;
    let hi = h.at + h.del.length;
    if (h.del && !h.add) {
      // Slide the deletion left while the character before it equals its last character, and
      // right while the character after it equals its first.
      let s = h.at;
      let e = hi;
      while (s > 0 && a[s - 1] === a[e - 1]) { s -= 1; e -= 1; }
      lo = s;
      s = h.at;
      e = h.at + h.del.length;
      while (e < a.length && a[e] === a[s]) { s += 1; e += 1; }
      hi = e;
    }
    h.delSpan = a.slice(lo, hi);
  }
  return out;
}

/** A hunk is rule-attributed when some hunk of the rules' own effect contains it. */
export function ruleAttributed(h, ruleHunks) {
  const d = squeeze(h.del);
  const ad = squeeze(h.add);
  if (d === ad) return false; // white space only: nothing a rule removed
  return ruleHunks.some((r) => squeeze(r.delSpan).includes(d) && squeeze(r.add).includes(ad));
}

/** The first listed deliberate fix that explains the hunk, or undefined. */
export function deliberateFix(h, fixes, post, generator) {
  const d = squeeze(h.del);
  const ad = squeeze(h.add);
  return fixes.find((f) => {
    if (f.generators && !f.generators.includes(generator)) return false;
    if (f.post && !f.post.test(post)) return false;
    const whole = (re, s) => {
      const m = re.exec(s);
      return m !== null && m.index === 0 && m[0].length === s.length;
    };
    return whole(f.del, d) && whole(f.add, ad);
  });
}

/** The hunk in context, for a report line: `…before[orig → conv]after…`. */
export function snippet(a, h, width = 24) {
  const before = a.slice(Math.max(0, h.at - width), h.at);
  const after = a.slice(h.at + h.del.length, h.at + h.del.length + width);
  const cut = (s, n) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  return `…${before}[${cut(h.del, 120) || '∅'} → ${cut(h.add, 120) || '∅'}]${after}…`;
}

// What kind of difference a hunk is, for the report (it explains nothing by itself).
export function label(h) {
  const d = squeeze(h.del);
  const ad = squeeze(h.add);
  if (d === ad) return 'white space only';
  const typo = /^["'“”„‟″‘’‚‛′….\-–—]*$/;
  if (d !== ad && typo.test(d) && typo.test(ad)) {
    return 'typographic quotes/dashes: the Markdown renderer\'s smartypants/typographer';
  }
  if (/^(iframe|video|audio|embed)\b.*:/.test(ad) || /\biframe:/.test(ad)) return 'embed became a link';
  return '';
}

/** `a` with character references decoded (numeric ones and the few named ones scrapers use). */
export function decodeEntities(a) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return a.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      try { return String.fromCodePoint(n); } catch { return m; }
    }
    return named[e.toLowerCase()] ?? m;
  });
}

/** True when every character of `small` occurs in `big` in order. */
export function subsequence(small, big) {
  let i = 0;
  for (const ch of big) if (i < small.length && ch === small[i]) i += 1;
  return i === small.length;
}

export { squeeze };
