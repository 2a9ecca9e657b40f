/** IMAP date-time (APPEND, INTERNALDATE): "dd-Mon-yyyy hh:mm:ss +hhmm". */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses date-time (with a day of one or two digits, or a space-padded day); null when invalid. */
export function parseDateTime(text: string): Date | null {
  const m = /^( ?[0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/.exec(text);
  if (!m) return null;
  const day = Number((m[1] as string).trim());
  const month = MONTHS.findIndex((name) => name.toLowerCase() === (m[2] as string).toLowerCase());
  const year = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const zoneMinutes = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '-' ? -1 : 1);
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60 || Number(m[9]) > 59) return null;
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return null;
  return new Date(utc - zoneMinutes * 60_000);
}

/** Formats a date-time in UTC ("+0000"), as INTERNALDATE is sent. */
export function formatDateTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}
