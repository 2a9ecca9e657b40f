export { ImapSyntaxError } from '../fetch/errors.js';

/** Charsets SEARCH accepts, as listed in the BADCHARSET response code. */
export const SUPPORTED_SEARCH_CHARSETS = ['UTF-8', 'US-ASCII'] as const;

/**
 * SEARCH CHARSET names a charset the server does not support. RFC 3501 6.4.4: answer with a
 * tagged NO (not BAD), e.g. `NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset`.
 */
export class BadCharsetError extends Error {
  readonly charset: string;
  readonly supported: readonly string[] = SUPPORTED_SEARCH_CHARSETS;

  constructor(charset: string) {
    super(`Unsupported search charset: ${charset}`);
    this.name = 'BadCharsetError';
    this.charset = charset;
  }

  /** The response code text, `BADCHARSET (UTF-8 US-ASCII)`. */
  get responseCode(): string {
    return `BADCHARSET (${this.supported.join(' ')})`;
  }
}
