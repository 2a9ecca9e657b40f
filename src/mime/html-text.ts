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

/** Tags that start a new line of text. */
const BLOCK_TAGS = new Set(['br', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'blockquote']);
/** Elements whose content is not text. */
const SKIPPED_ELEMENTS = new Set(['script', 'style', 'head', 'title']);

/**
 * A single forward scan (no regular expression that could backtrack over the whole input):
 * every "<" is looked at once, and an unclosed comment, tag or script ends the text.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) { out.push(html.slice(i)); break; }
    out.push(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      out.push(' ');
      i = end === -1 ? n : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) { out.push(html.slice(lt)); break; }
    const m = /^(\/?)([a-zA-Z][a-zA-Z0-9]*)/.exec(html.slice(lt + 1, Math.min(gt, lt + 16)));
    const closing = m?.[1] === '/';
    const name = (m?.[2] ?? '').toLowerCase();
    if (!closing && SKIPPED_ELEMENTS.has(name)) {
      const endTag = new RegExp('</' + name + '\\b', 'gi');
      endTag.lastIndex = gt + 1;
      const close = endTag.exec(html);
      const closeEnd = close ? html.indexOf('>', close.index) : -1;
      out.push(' ');
      i = closeEnd === -1 ? n : closeEnd + 1;
      continue;
    }
    out.push(!closing && BLOCK_TAGS.has(name) ? '\n' : ' ');
    i = gt + 1;
  }
  return out
    .join('')
    .replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, decodeEntity)
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n[ \n]*/g, '\n')
    .trim();
}
