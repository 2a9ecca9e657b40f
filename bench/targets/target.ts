/** What a workload needs to know about the server under test, whichever server it is. */

export interface BenchUser {
  address: string;
  password: string;
}

export interface Endpoints {
  host: string;
  imap: number;
  pop3: number;
  lmtp: number;
}

/** A maildir to load into a user's INBOX before the server starts (outside every timed part). */
export interface MailLoad {
  user: string;
  maildir: string;
}

export interface Target {
  /** "msgstore" or "dovecot". */
  name: string;
  version: string;
  endpoints: Endpoints;
  /** The pid whose process tree is the whole server (for memory and CPU figures). */
  rootPid: number;
  /** Seconds the loads took (not a compared figure: the two servers load differently). */
  loadSeconds: number;
  stop(): Promise<void>;
}

export interface TargetSetup {
  users: readonly BenchUser[];
  loads: readonly MailLoad[];
  /** Where the run keeps its temporary directories. */
  workDir: string;
  log(message: string): void;
}
