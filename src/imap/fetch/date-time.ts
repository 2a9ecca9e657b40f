/**
 * IMAP `date-time` (RFC 3501 section 9) for INTERNALDATE: "dd-Mon-yyyy hh:mm:ss +zzzz" with a
 * space-padded day. The server shows internal dates in its own time zone (the process's TZ),
 * the same zone SEARCH BEFORE/ON/SINCE use to take the date part of an internal date.
 */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Formats without the surrounding quotes. `zoneOffsetMinutes` is minutes east of UTC
 * (defaults to the server's zone at that instant).
 */
export function formatImapDateTime(date: Date, zoneOffsetMinutes: number = -date.getTimezoneOffset()): string {
  const shifted = new Date(date.getTime() + zoneOffsetMinutes * 60_000);
  const day = String(shifted.getUTCDate()).padStart(2, ' ');
  const month = MONTHS[shifted.getUTCMonth()] as string;
  const year = String(shifted.getUTCFullYear()).padStart(4, '0');
  const time = `${pad2(shifted.getUTCHours())}:${pad2(shifted.getUTCMinutes())}:${pad2(shifted.getUTCSeconds())}`;
  const sign = zoneOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(zoneOffsetMinutes);
  const zone = `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  return `${day}-${month}-${year} ${time} ${zone}`;
}
