/**
 * Dates for SEARCH (RFC 3501 6.4.4): the `date` argument, and the calendar day of an internal
 * date or a Date: header, compared "disregarding time and timezone".
 *
 * Days are counted as days since 1970-01-01 in the proleptic Gregorian calendar.
 * - Internal dates: the day in the server's own time zone (the process's TZ), the zone
 *   INTERNALDATE is shown in, so SINCE/ON/BEFORE agree with what FETCH INTERNALDATE shows.
 * - Date: headers: the day as written in the header, i.e. in the header's own zone.
 */
import { MONTHS } from '../fetch/date-time.js';

const MS_PER_DAY = 86_400_000;
const DATE_TEXT = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/;

/** Day number of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Parses `date-text` (`1-Feb-1994`, `01-feb-1994`); null when malformed or not a real day. */
export function parseSearchDate(text: string): number | null {
  const m = DATE_TEXT.exec(text);
  if (m === null) return null;
  const day = Number(m[1]);
  const monthName = (m[2] as string).toLowerCase();
  const month = MONTHS.findIndex((name) => name.toLowerCase() === monthName) + 1;
  const year = Number(m[3]);
  if (month === 0 || day < 1) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  return dayNumber(year, month, day);
}

/** The day of an instant in the server's time zone. */
export function localDayNumber(date: Date): number {
  return dayNumber(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

/** The day of an instant seen in a zone `offsetMinutes` east of UTC. */
export function zonedDayNumber(ms: number, offsetMinutes: number): number {
  return Math.floor((ms + offsetMinutes * 60_000) / MS_PER_DAY);
}

export type DateOp = 'before' | 'on' | 'since';

/** Whether `day` satisfies BEFORE/ON/SINCE `target`. */
export function compareDay(day: number, op: DateOp, target: number): boolean {
  if (op === 'before') return day < target;
  if (op === 'on') return day === target;
  return day >= target;
}

/**
 * The outcome of a SENT* comparison when only the instant of the Date: header is known:
 * the header's zone (realistically UTC-12:00 to UTC+14:00) decides the written day, so
 * the answer is true or false when every possible day agrees, and null when the zone
 * must be read from the header itself.
 */
export function compareSentDayWithoutZone(ms: number, op: DateOp, target: number): boolean | null {
  const west = compareDay(zonedDayNumber(ms, -12 * 60), op, target);
  const east = compareDay(zonedDayNumber(ms, 14 * 60), op, target);
  // The day is monotonic in the offset and the two ends differ by at most two days,
  // so for ON the middle day must be checked too.
  const middle = compareDay(zonedDayNumber(ms, 60), op, target);
  return west === east && east === middle ? west : null;
}

/** RFC 5322 4.3 obsolete zone names. */
const NAMED_ZONES: Record<string, number> = {
  UT: 0,
  GMT: 0,
  Z: 0,
  EST: -5 * 60,
  EDT: -4 * 60,
  CST: -6 * 60,
  CDT: -5 * 60,
  MST: -7 * 60,
  MDT: -6 * 60,
  PST: -8 * 60,
  PDT: -7 * 60,
};

/**
 * The zone of a Date: header value in minutes east of UTC ("+0200" -> 120), or 0 when it
 * has none that can be read (RFC 5322 treats unknown zones as +0000).
 */
export function dateHeaderZone(value: string): number {
  // Comments such as "(CEST)" follow the zone; drop them before looking at the last word.
  const words = value.replace(/\([^()]*\)/g, ' ').trim().split(/\s+/);
  for (let i = words.length - 1; i >= 0 && i >= words.length - 2; i--) {
    const word = words[i] as string;
    const numeric = /^([+-])([0-9]{2})([0-9]{2})$/.exec(word);
    if (numeric) {
      const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
      return numeric[1] === '-' ? -minutes : minutes;
    }
    const named = NAMED_ZONES[word.toUpperCase()];
    if (named !== undefined && Object.prototype.hasOwnProperty.call(NAMED_ZONES, word.toUpperCase())) return named;
  }
  return 0;
}
