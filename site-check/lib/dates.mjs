// The instant a post's source date means, worked out from the text of the `date:` field alone,
// independently of any generator and of postscrub. It is the yardstick for "the same instant":
// a generator's rendering of the original can itself be off (Hexo 8 shifts dates that carry an
// offset by the machine's zone; see site-check/README.md), so the originals' builds are only
// reported beside it.
//
// - a date with an explicit zone (`GMT`, `UTC`, `Z`, `+08:00`, `+0800`) means that instant;
// - a date without one is a wall-clock time in the site's zone (what every generator does with it);
// - anything else (`Invalid Date`, no date) means no instant.
import moment from 'moment-timezone';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ZONE_WORD = /\b(GMT|UTC|UT|Z)\b|[+-]\d{4}\b|[+-]\d{2}:\d{2}\b/;

/** @returns {{ms: number|undefined, how: string}} */
export function meantInstant(raw, zone) {
  if (raw === undefined || raw === null || String(raw).trim() === '') {
    return { ms: undefined, how: 'no date' };
  }
  const s = String(raw).trim();
  const iso = ISO.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', off] = iso;
    const pad = (v, n = 2) => String(v).padStart(n, '0');
    const wall = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}${frac}`;
    if (off) {
      const o = /^[zZ]$/.test(off) ? 'Z' : off.length === 3 ? `${off}:00` : off.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
      return { ms: Date.parse(wall + o), how: 'ISO date with offset' };
    }
    const m = moment.tz(wall, zone);
    return { ms: m.isValid() ? m.valueOf() : undefined, how: 'wall-clock date in the site zone' };
  }
  if (ZONE_WORD.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? { ms: undefined, how: 'unreadable date' } : { ms, how: 'date with zone' };
  }
  const m = moment.tz(s, [moment.RFC_2822, 'YYYY/MM/DD HH:mm:ss', 'YYYY/MM/DD'], true, zone);
  return m.isValid() ? { ms: m.valueOf(), how: 'wall-clock date in the site zone' } : { ms: undefined, how: 'unreadable date' };
}

/** The instant a layout printed (ISO 8601 with an offset or Z), or undefined. */
export function renderedInstant(s) {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

export function iso(ms) {
  return ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z');
}
