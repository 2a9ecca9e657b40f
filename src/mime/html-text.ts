/** Visible text of an HTML document for full-text search: tags, scripts and styles removed. */

const NAMED_ENTITIES = new Map<string, string>([
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', '\u00a0'],
  ['copy', '\u00a9'], ['reg', '\u00ae'], ['euro', '\u20ac'], ['hellip', '\u2026'],
  ['mdash', '\u2014'], ['ndash', '\u2013'], ['laquo', '\u00ab'], ['raquo', '\u00bb'],
  ['auml', '\u00e4'], ['ouml', '\u00f6'], ['uuml', '\u00fc'], ['Auml', '\u00c4'],
  ['Ouml', '\u00d6'], ['Uuml', '\u00dc'], ['szlig', '\u00df'], ['eacute', '\u00e9'],
  ['egrave', '\u00e8'], ['agrave', '\u00e0'], ['ccedil', '\u00e7'], ['rsquo', '\u2019'],
  ['lsquo', '\u2018'], ['rdquo', '\u201d'], ['ldquo', '\u201c'],
]);

function decodeEntity(whole: string, body: string): string {
  if (body.startsWith('#x') || body.startsWith('#X')) {
    const code = parseInt(body.slice(2), 16);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  }
  if (body.startsWith('#')) {
    const code = parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  }
  return NAMED_ENTITIES.get(body) ?? whole;
}

export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    .replace(/<(?:br|p|div|tr|li|h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, decodeEntity)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}
