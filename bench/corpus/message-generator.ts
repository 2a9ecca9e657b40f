/**
 * Deterministic, realistic test messages: RFC 5322 headers, plain-text bodies of real words,
 * multipart/mixed with base64 attachments for the larger ones. Two marker words, rare and never
 * produced otherwise, make SEARCH results checkable: SUBJECT_WORD in about 1% of subjects and
 * BODY_WORD in about 1% of bodies.
 */
import { Prng } from '../lib/prng.js';

export const SUBJECT_WORD = 'quarterly';
export const BODY_WORD = 'zeppelin';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were ' +
  'her she there been one all we their has would when if so no will more can out up who them some time could into only ' +
  'then do first any my now such like our over man me even most made after also did many before must through back years ' +
  'where much your way well down should because each just those people how too little state good very make world still ' +
  'own see men work long get here between both life being under never day same another know while last might us great ' +
  'old year off come since against go came right used take three meeting budget report project invoice schedule review ' +
  'release customer server update contract office travel agenda draft summary minutes request approval deadline team'
).split(' ');

const SUBJECTS = [
  'Re: meeting notes', 'Invoice for services', 'Project status update', 'Lunch on Friday?', 'Fwd: contract draft',
  'Weekly report', 'Travel plans', 'Question about the release', 'Re: Re: budget', 'New customer request',
  'Server maintenance window', 'Agenda for tomorrow', 'Photos from the trip', 'Your order has shipped', 'Team offsite',
];
const FIRST = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Oscar', 'Peggy', 'Trent', 'Victor', 'Walter'];
const LAST = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Hall'];
const DOMAINS = ['example.com', 'example.net', 'example.org', 'corp.example', 'mail.example'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type SizeMix = 'realistic' | 'small';

export interface GeneratedMessage {
  data: Buffer;
  subjectHasWord: boolean;
  bodyHasWord: boolean;
}

function rfc2822Date(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Builds messages from pools of prepared lines so that 100,000 messages take seconds. */
export class MessageGenerator {
  private readonly prng: Prng;
  private readonly textLines: string[] = [];
  private readonly base64Lines: string[] = [];

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
    for (let i = 0; i < 4096; i++) {
      let line = '';
      const words = this.prng.int(8, 13);
      for (let w = 0; w < words; w++) line += (w === 0 ? '' : ' ') + this.prng.pick(WORDS);
      this.textLines.push(line.length > 76 ? line.slice(0, 76).trimEnd() : line);
    }
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    for (let i = 0; i < 4096; i++) {
      let line = '';
      for (let c = 0; c < 76; c++) line += alphabet[this.prng.int(0, 63)];
      this.base64Lines.push(line);
    }
  }

  /** A size drawn from the mix: realistic = 70% 2-8 KB, 25% 20-200 KB, 5% 1-5 MB; small = 2-8 KB. */
  drawSize(mix: SizeMix): number {
    const r = this.prng.next();
    if (mix === 'small' || r < 0.7) return this.prng.int(2 * 1024, 8 * 1024);
    if (r < 0.95) return this.prng.int(20 * 1024, 200 * 1024);
    return this.prng.int(1024 * 1024, 5 * 1024 * 1024);
  }

  private text(bytes: number, withWord: boolean): string {
    const lines: string[] = [];
    let size = 0;
    while (size < bytes) {
      const line = this.prng.pick(this.textLines);
      lines.push(line);
      size += line.length + 2;
    }
    if (withWord) {
      const at = this.prng.int(0, lines.length - 1);
      lines[at] = `${lines[at]!.slice(0, 60)} ${BODY_WORD}`;
    }
    return lines.join('\r\n') + '\r\n';
  }

  private base64(bytes: number): string {
    const lines: string[] = [];
    let size = 0;
    while (size < bytes) {
      const line = this.prng.pick(this.base64Lines);
      lines.push(line);
      size += 78;
    }
    return lines.join('\r\n') + '\r\n';
  }

  /** Message number `index` for `to`, about `size` bytes long. */
  message(index: number, to: string, size: number): GeneratedMessage {
    const prng = this.prng;
    const first = prng.pick(FIRST);
    const last = prng.pick(LAST);
    const from = `${first.toLowerCase()}.${last.toLowerCase()}@${prng.pick(DOMAINS)}`;
    const subjectHasWord = prng.next() < 0.01;
    const bodyHasWord = prng.next() < 0.01;
    const subject = `${prng.pick(SUBJECTS)}${subjectHasWord ? ` (${SUBJECT_WORD} numbers)` : ''} #${index}`;
    const date = rfc2822Date(Date.UTC(2024, 0, 1) + index * 97_000);
    const headers = [
      `Return-Path: <${from}>`,
      `Received: from mx${prng.int(1, 9)}.example.net (mx.example.net [192.0.2.${prng.int(1, 254)}])\r\n\tby mail.bench.test with ESMTPS id B${seedHex(this.seed)}${index}\r\n\tfor <${to}>; ${date}`,
      `Message-ID: <${index}.${seedHex(this.seed)}@bench.example>`,
      `Date: ${date}`,
      `From: "${first} ${last}" <${from}>`,
      `To: <${to}>`,
      ...(prng.next() < 0.3 ? [`Cc: "${prng.pick(FIRST)}" <${prng.pick(FIRST).toLowerCase()}@${prng.pick(DOMAINS)}>`] : []),
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
    ];
    const textBytes = size > 12 * 1024 ? prng.int(1024, 4096) : Math.max(256, size - 900);
    let body: string;
    if (size > 12 * 1024) {
      const boundary = `=_bench_${index}_${seedHex(this.seed)}`;
      headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
      const name = `${prng.pick(['report', 'scan', 'photo', 'slides', 'data'])}-${index}.${prng.pick(['pdf', 'jpg', 'zip', 'xlsx'])}`;
      body =
        'This is a multi-part message in MIME format.\r\n\r\n' +
        `--${boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n` +
        this.text(textBytes, bodyHasWord) +
        `\r\n--${boundary}\r\nContent-Type: application/octet-stream; name="${name}"\r\nContent-Transfer-Encoding: base64\r\n` +
        `Content-Disposition: attachment; filename="${name}"\r\n\r\n` +
        this.base64(size - textBytes - 1200) +
        `\r\n--${boundary}--\r\n`;
    } else {
      headers.push('Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit');
      body = this.text(textBytes, bodyHasWord);
    }
    return { data: Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1'), subjectHasWord, bodyHasWord };
  }
}

function seedHex(seed: number): string {
  return (seed >>> 0).toString(16);
}
