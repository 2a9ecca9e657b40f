/**
 * RFC 5322 date-time parsing (section 3.3, with the obsolete forms of 4.3: two- and
 * three-digit years, alphabetic zones, missing seconds or weekday, comments), falling back to
 * Date.parse for other formats. Returns milliseconds since the epoch, or null.
 */

import { stripComments } from './params.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Obsolete zone names of RFC 5322 4.3, in minutes east of UTC. */
const ZONES = new Map<string, number>([
  ['ut', 0], ['utc', 0], ['gmt', 0], ['z', 0],
  ['edt', -240], ['est', -300], ['cdt', -300], ['cst', -360],
  ['mdt', -360], ['mst', -420], ['pdt', -420], ['pst', -480],
]);

const DATE_TIME = /^(?:[a-z]+\s*,?\s*)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{4}|[a-z]+)?/;

export function parseMailDate(value: string): number | null {
  const text = stripComments(value).replace(/\s+/g, ' ').trim().toLowerCase();
  if (text === '') return null;
  const m = DATE_TIME.exec(text);
  if (m) {
    const day = Number(m[1]);
    const month = MONTHS.indexOf(m[2] ?? '');
    let year = Number(m[3]);
    if ((m[3] ?? '').length === 2) year += year < 50 ? 2000 : 1900;
    else if ((m[3] ?? '').length === 3) year += 1900;
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = Number(m[6] ?? 0);
    const zone = m[7] ?? '+0000';
    let offset = 0;
    if (/^[+-]\d{4}$/.test(zone)) {
      const sign = zone[0] === '-' ? -1 : 1;
      offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    } else {
      offset = ZONES.get(zone) ?? 0;
    }
    if (month >= 0 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60) {
      const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60000;
      if (Number.isFinite(ms)) return ms;
    }
  }
  // Date.parse copes with other common formats; real dates are short, so longer text is not one.
  if (value.length > 200) return null;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}
