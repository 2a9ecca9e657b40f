/**
 * Workload 2: single commands on a mailbox of 100,000 messages (2,000 in --quick), each timed on
 * its own and each answer checked against what the corpus holds.
 */
import { ImapClient, responseCode, searchUids } from '../clients/imap-client.js';
import { userNames } from '../plan.js';
import { nowMs, timed } from '../lib/stats.js';
import { figure, type Figure, type WorkloadContext } from './types.js';
import { SUBJECT_WORD, BODY_WORD } from '../corpus/message-generator.js';

const W = 'IMAP big mailbox';

export async function runImapBigbox(ctx: WorkloadContext): Promise<Figure[]> {
  const { host, imap } = ctx.target.endpoints;
  const manifest = ctx.corpora.bigbox.manifest;
  const user = userNames(ctx.plan).bigbox;
  const client = await ImapClient.connect({ host, port: imap, timeoutMs: 600_000 });
  await client.login(user, ctx.plan.password);
  const out: Figure[] = [];
  const n = manifest.messages.toLocaleString('en-US');
  const check = (ok: boolean, what: string) => {
    if (!ok) ctx.problem(`${ctx.target.name}: ${W}: ${what}`);
  };

  const select = await timed(() => client.ok('SELECT INBOX'));
  const exists = select.result.untagged.find((u) => u.kind === 'EXISTS')?.number;
  check(exists === manifest.messages, `SELECT reported ${exists} EXISTS, the mailbox holds ${manifest.messages}`);
  out.push(figure(W, `SELECT (${n} messages)`, 'ms', select.ms, 'lower'));

  const flags = await timed(() => client.ok('UID FETCH 1:* (UID FLAGS)'));
  const fetched = flags.result.untagged.filter((u) => u.kind === 'FETCH');
  const uids = fetched.map((u) => Number(/UID (\d+)/i.exec(u.raw.text)?.[1] ?? NaN)).sort((a, b) => a - b);
  const seen = fetched.filter((u) => /\\Seen/i.test(u.raw.text)).length;
  check(fetched.length === manifest.messages, `UID FETCH 1:* answered ${fetched.length} messages, expected ${manifest.messages}`);
  check(seen === manifest.seen, `UID FETCH 1:* found ${seen} \\Seen messages, expected ${manifest.seen}`);
  out.push(figure(W, 'UID FETCH 1:* (UID FLAGS)', 'ms', flags.ms, 'lower'));

  const envCount = Math.min(ctx.plan.fetchEnvelopeCount, manifest.messages);
  const env = await timed(() => client.ok(`FETCH 1:${envCount} (ENVELOPE BODYSTRUCTURE)`));
  const envFetched = env.result.untagged.filter((u) => u.kind === 'FETCH').length;
  check(envFetched === envCount, `FETCH 1:${envCount} (ENVELOPE BODYSTRUCTURE) answered ${envFetched} messages`);
  out.push(figure(W, `FETCH 1:${envCount} (ENVELOPE BODYSTRUCTURE)`, 'ms', env.ms, 'lower'));

  const subject = await timed(() => client.ok(`UID SEARCH SUBJECT ${SUBJECT_WORD}`));
  const subjectHits = searchUids(subject.result).length;
  check(subjectHits === manifest.subjectMatches, `SEARCH SUBJECT found ${subjectHits}, the corpus has ${manifest.subjectMatches}`);
  out.push(figure(W, 'UID SEARCH SUBJECT word', 'ms', subject.ms, 'lower'));

  const body = await timed(() => client.ok(`UID SEARCH BODY ${BODY_WORD}`));
  const bodyHits = searchUids(body.result).length;
  check(bodyHits === manifest.bodyMatches, `SEARCH BODY found ${bodyHits}, the corpus has ${manifest.bodyMatches}`);
  out.push(figure(W, 'UID SEARCH BODY word', 'ms', body.ms, 'lower'));

  const storeCount = Math.min(ctx.plan.storeFlagsCount, uids.length);
  const lastUid = uids[storeCount - 1] ?? 1;
  const store = await timed(() => client.ok(`UID STORE ${uids[0] ?? 1}:${lastUid} +FLAGS (\\Flagged)`));
  const storeFetched = store.result.untagged.filter((u) => u.kind === 'FETCH').length;
  check(storeFetched === storeCount, `UID STORE +FLAGS on ${storeCount} messages answered ${storeFetched} FETCH responses`);
  out.push(figure(W, `UID STORE +FLAGS (${storeCount.toLocaleString('en-US')} messages)`, 'ms', store.ms, 'lower'));

  const appends = ctx.corpora.appends;
  let appended = 0;
  const appendStart = nowMs();
  for (let i = 0; i < ctx.plan.appendCount; i++) {
    const reply = await client.ok('APPEND INBOX (\\Seen)', appends[i % appends.length]!);
    if (responseCode(reply.text, 'APPENDUID') !== null) appended++;
  }
  const appendSeconds = (nowMs() - appendStart) / 1000;
  check(appended === ctx.plan.appendCount, `only ${appended} of ${ctx.plan.appendCount} APPENDs answered APPENDUID`);
  out.push(figure(W, `APPEND (${ctx.plan.appendCount} x 2-8 KB, 1 conn)`, 'messages/s', ctx.plan.appendCount / appendSeconds, 'higher'));
  await client.logout();
  return out;
}
