/**
 * The per-content rows: the MIME index (kept so FETCH never re-parses) and the lower-cased
 * decoded text that header and body searches run on.
 */
import { decodeHeaderValue, extractSearchText, indexMessage, parseHeaders } from '../../mime/index.js';
import type { MessageIndex, MimePart } from '../../mime/types.js';
import type { StoreContext } from './context.js';

export interface ContentData {
  index: MessageIndex;
  /** Decoded header block plus decoded address/subject values, lower-cased. */
  headersText: string;
  /** Decoded body text, lower-cased. */
  bodyText: string;
}

/** Lower-cases with full Unicode rules (SQLite's lower() only folds ASCII). */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** Builds the searchable text of a message from its bytes and index. */
export function contentData(raw: Buffer, index: MessageIndex): ContentData {
  const headerText = parseHeaders(raw.subarray(index.root.header.start, index.root.header.end))
    .map((field) => `${field.name}: ${decodeHeaderValue(field.value)}`)
    .join('\n');
  return {
    index,
    headersText: foldCase(headerText),
    bodyText: foldCase(extractSearchText(raw, index)),
  };
}

/** Indexes raw (already normalised) bytes synchronously, for the rare commit-time fallback. */
export function contentDataSync(raw: Buffer): ContentData {
  return contentData(raw, indexMessage(raw));
}

/** Stores a new blob's index and search text (inside a write transaction). */
export function insertContentRows(ctx: StoreContext, blobId: number, data: ContentData): void {
  const { index } = data;
  const h = index.headers;
  ctx
    .stmt(
      `INSERT INTO contents (blob_id, envelope, body_structure, body, tree, headers,
         s_subject, s_from, s_to, s_cc, s_bcc, message_id, sent_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      blobId,
      index.envelope,
      index.bodyStructure,
      index.body,
      JSON.stringify(index.root),
      JSON.stringify(h),
      foldCase(h.subject),
      foldCase(h.from),
      foldCase(h.to),
      foldCase(h.cc),
      foldCase(h.bcc),
      h.messageId,
      h.date,
    );
  ctx.stmt('INSERT INTO content_text (rowid, headers, body) VALUES (?, ?, ?)').run(blobId, data.headersText, data.bodyText);
}

export interface ContentRow {
  envelope: string;
  body_structure: string;
  body: string;
  tree: string;
  headers: string;
}

export function indexFromRow(row: ContentRow): MessageIndex {
  return {
    envelope: row.envelope,
    bodyStructure: row.body_structure,
    body: row.body,
    root: JSON.parse(row.tree) as MimePart,
    headers: JSON.parse(row.headers) as MessageIndex['headers'],
  };
}
