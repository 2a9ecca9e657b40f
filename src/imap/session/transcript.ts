/**
 * Adapts the session's byte-level transcript hook to the per-session transcript files of
 * src/log/transcript.ts: bytes in each direction are split into lines and literals (a literal
 * is never mistaken for lines), and the literals of LOGIN and AUTHENTICATE are never logged.
 * Of the server's output only replies are kept (not FETCH data), so a session's transcript
 * buffer stays small.
 * Memory is bounded: a partial line is capped and only the first bytes of a literal are kept.
 */
import type { SessionTranscript } from '../../log/transcript.js';
import type { TranscriptHook } from './state.js';

const MAX_LINE = 4096;
const LITERAL_KEEP = 512;
const LITERAL_MARKER = /\{(\d{1,10})\+?\}$/;

type Sink = { line(text: string): void; literal(bytes: Buffer, size: number, secret: boolean): void };

/** Splits one direction of the stream into lines and literals. */
class Splitter {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private truncated = false;
  private literalLeft = 0;
  private literalSize = 0;
  private literalHead: Buffer[] = [];
  private literalHeadBytes = 0;
  /** The command whose literal is being read carries credentials. */
  private secret = false;
  private firstLineOfCommand: string | null = null;

  constructor(
    private readonly sink: Sink,
    private readonly isSecret: (firstLine: string) => boolean,
  ) {}

  push(bytes: Buffer): void {
    let pos = 0;
    while (pos < bytes.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, bytes.length - pos);
        if (this.literalHeadBytes < LITERAL_KEEP) {
          const keep = bytes.subarray(pos, pos + Math.min(take, LITERAL_KEEP - this.literalHeadBytes));
          this.literalHead.push(Buffer.from(keep));
          this.literalHeadBytes += keep.length;
        }
        this.literalLeft -= take;
        pos += take;
        if (this.literalLeft === 0) {
          this.sink.literal(Buffer.concat(this.literalHead), this.literalSize, this.secret);
          this.literalHead = [];
          this.literalHeadBytes = 0;
        }
        continue;
      }
      const nl = bytes.indexOf(0x0a, pos);
      const end = nl < 0 ? bytes.length : nl + 1;
      const piece = bytes.subarray(pos, end);
      if (this.lineBytes + piece.length <= MAX_LINE) {
        this.line.push(Buffer.from(piece));
        this.lineBytes += piece.length;
      } else {
        this.truncated = true;
      }
      pos = end;
      if (nl >= 0) this.endLine();
    }
  }

  private endLine(): void {
    const text = Buffer.concat(this.line).toString('utf8').replace(/\r?\n$/, '');
    this.line = [];
    this.lineBytes = 0;
    const shown = this.truncated ? `${text} ... (line cut)` : text;
    this.truncated = false;
    // The rest of a LOGIN after a literal ("a LOGIN {5}" + "alice" + " password") holds the
    // password in plain text: a continuation line of a credentials command is never shown.
    const continuesSecret = this.firstLineOfCommand !== null && this.isSecret(this.firstLineOfCommand);
    this.firstLineOfCommand ??= text;
    const m = LITERAL_MARKER.exec(text);
    this.sink.line(continuesSecret ? `*** (rest of the command not logged${m ? `, ${m[0]}` : ''})` : shown);
    if (m) {
      this.literalSize = Number(m[1]);
      this.literalLeft = this.literalSize;
      this.secret = this.isSecret(this.firstLineOfCommand);
      if (this.literalLeft === 0) this.sink.literal(Buffer.alloc(0), 0, this.secret);
    } else {
      this.firstLineOfCommand = null;
    }
  }
}

/** A literal as it goes to the transcript: whole when short, else its size and first bytes. */
function literalText(head: Buffer, size: number): Buffer {
  if (size <= LITERAL_KEEP) return head;
  return Buffer.from(`(literal of ${size} bytes, starting: ${head.subarray(0, 200).toString('latin1')})`, 'latin1');
}

/** A TranscriptHook writing to one SessionTranscript. */
export function imapTranscriptHook(transcript: SessionTranscript): TranscriptHook {
  const input = new Splitter(
    {
      line: (t) => transcript.client(t),
      literal: (head, size, secret) => {
        if (secret) transcript.literal(Buffer.from(`*** (literal of ${size} bytes not logged)`));
        else transcript.literal(literalText(head, size));
      },
    },
    (first) => /^\S+\s+(UID\s+)?(LOGIN|AUTHENTICATE)\b/i.test(first),
  );
  // As the guide has it: the client's commands intermixed with the server's replies to them
  // (tagged completions, and untagged NO, BAD and BYE); data responses are left out.
  const output = new Splitter(
    {
      line: (t) => {
        if (/^\* (NO|BAD|BYE)\b/i.test(t) || /^[^*+\s]\S* (OK|NO|BAD)\b/i.test(t)) transcript.server(t);
      },
      literal: () => undefined,
    },
    () => false,
  );
  return {
    onLine(direction, bytes) {
      (direction === 'in' ? input : output).push(bytes);
    },
    onLogin(user) {
      transcript.loggedIn(user);
    },
    onClose() {
      transcript.close();
    },
  };
}
