/** LMTP reply formatting: "code enhanced text", multi-line replies with "code-" continuation. */

export interface Reply {
  code: number;
  /** RFC 3463 enhanced status code; omitted only for the greeting (RFC 2034 3). */
  enhanced?: string;
  /** One line of text, or several for a multi-line reply. */
  text: string | string[];
}

function clean(line: string): string {
  return line.replace(/[\r\n]+/g, ' ');
}

export function formatReply(reply: Reply): string {
  const lines = Array.isArray(reply.text) ? reply.text : [reply.text];
  const prefix = reply.enhanced ? `${reply.enhanced} ` : '';
  return lines
    .map((line, i) => `${reply.code}${i === lines.length - 1 ? ' ' : '-'}${prefix}${clean(line)}\r\n`)
    .join('');
}
