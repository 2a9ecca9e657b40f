/**
 * SEARCH on text without opening message files. Header fields are lower-cased decoded columns
 * (substring test with instr); body and whole-text searches use the FTS5 trigram index for
 * needles of 3+ characters, and a scan of the stored text for shorter ones (trigrams cannot
 * match fewer than three characters).
 */
import { asUid, type TextSearchTarget, type Uid } from '../types.js';
import { foldCase } from './contents.js';
import type { StoreContext } from './context.js';
import { uidsParam } from './messages.js';
import { MailError } from '../errors.js';

const HEADER_COLUMNS: Partial<Record<TextSearchTarget, string>> = {
  subject: 'c.s_subject',
  from: 'c.s_from',
  to: 'c.s_to',
  cc: 'c.s_cc',
  bcc: 'c.s_bcc',
};

/** An FTS5 phrase that matches `needle` literally. */
function ftsPhrase(needle: string): string {
  return `"${needle.replace(/"/g, '""')}"`;
}

export function searchText(
  ctx: StoreContext,
  mailboxId: number,
  target: TextSearchTarget,
  needle: string,
  uids?: readonly Uid[],
): Uid[] {
  const folded = foldCase(needle);
  const header = HEADER_COLUMNS[target];
  const area = header ? 'MSGENV' : 'MSGBODY';
  return ctx.read(area, () => {
    if (ctx.col('SELECT 1 FROM mailboxes WHERE id = ?').get(mailboxId) === undefined) {
      throw new MailError('MS_MBX_REC_NOT_FOUND', `Mailbox ${mailboxId} not found`);
    }
    const restrict = uids === undefined ? '' : 'AND m.uid IN (SELECT value FROM json_each(?))';
    const extra = uids === undefined ? [] : [uidsParam(uids)];
    let sql: string;
    let params: (string | number)[];
    if (folded.length === 0) {
      sql = `SELECT m.uid FROM messages m WHERE m.mailbox_id = ? ${restrict} ORDER BY m.uid`;
      params = [mailboxId];
    } else if (header) {
      sql = `SELECT m.uid FROM messages m JOIN contents c ON c.blob_id = m.blob_id
             WHERE m.mailbox_id = ? AND instr(${header}, ?) > 0 ${restrict} ORDER BY m.uid`;
      params = [mailboxId, folded];
    } else if ([...folded].length >= 3) {
      const match = target === 'body' ? `body : ${ftsPhrase(folded)}` : ftsPhrase(folded);
      sql = `SELECT m.uid FROM messages m
             WHERE m.mailbox_id = ? AND m.blob_id IN (SELECT rowid FROM content_text WHERE content_text MATCH ?)
             ${restrict} ORDER BY m.uid`;
      params = [mailboxId, match];
    } else {
      const test = target === 'body' ? 'instr(t.body, ?) > 0' : '(instr(t.body, ?) > 0 OR instr(t.headers, ?) > 0)';
      sql = `SELECT m.uid FROM messages m JOIN content_text t ON t.rowid = m.blob_id
             WHERE m.mailbox_id = ? AND ${test} ${restrict} ORDER BY m.uid`;
      params = target === 'body' ? [mailboxId, folded] : [mailboxId, folded, folded];
    }
    return (ctx.col(sql).all(...params, ...extra) as number[]).map(asUid);
  });
}
