/** Generators of hostile messages for the MIME tests (sizes chosen by the caller). */

/** A header of about `bytes` bytes of short fields, then a small body. */
export function hugeHeader(bytes: number): Buffer {
  const line = 'X-Filler: ' + 'a'.repeat(60) + '\r\n';
  const count = Math.ceil(bytes / line.length);
  return Buffer.from('Subject: big header\r\n' + line.repeat(count) + '\r\nbody\r\n', 'latin1');
}

/** One header field folded over `bytes` bytes, and no blank line at all. */
export function hugeFoldedHeaderWithoutBody(bytes: number): Buffer {
  const fold = ' ' + 'b'.repeat(70) + '\r\n';
  return Buffer.from('Subject: start\r\n' + fold.repeat(Math.ceil(bytes / fold.length)), 'latin1');
}

/** A multipart/mixed with `count` tiny sibling parts. */
export function manySiblings(count: number): Buffer {
  return Buffer.from(
    'Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\n\r\nx\r\n'.repeat(count) + '--b--\r\n',
    'latin1',
  );
}

/** Multiparts nested `depth` deep (distinct boundaries unless sameBoundary). */
export function deepMultipart(depth: number, sameBoundary = false): Buffer {
  const b = (i: number): string => (sameBoundary ? 'same' : 'b' + i);
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `Content-Type: multipart/mixed; boundary=${b(i)}\r\n\r\n--${b(i)}\r\n`;
    close = `\r\n--${b(i)}--\r\n` + close;
  }
  return Buffer.from(open + 'Content-Type: text/plain\r\n\r\ninnermost' + close, 'latin1');
}

/** message/rfc822 nested `depth` deep (each body starts another message/rfc822). */
export function deepMessages(depth: number): Buffer {
  return Buffer.from('Content-Type: message/rfc822\r\n\r\n'.repeat(depth) + 'Subject: core\r\n\r\ncore\r\n', 'latin1');
}
