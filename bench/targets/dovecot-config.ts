/**
 * The Dovecot configuration the comparison runs with: Dovecot's defaults (maildir, fsync as
 * shipped, one imap process per connection) plus what a private instance on loopback needs.
 * Limits are raised only where the default would refuse the benchmark's connection count.
 */

export interface DovecotConfigInput {
  dir: string;
  imapPort: number;
  pop3Port: number;
  lmtpPort: number;
  maxConnections: number;
}

export function dovecotConfig(c: DovecotConfigInput): string {
  // Never below Dovecot's own default of 1000.
  const limit = Math.max(1000, c.maxConnections + 100);
  return `# msgstore benchmark: a private Dovecot instance in ${c.dir}
base_dir = ${c.dir}/run
state_dir = ${c.dir}/state
log_path = ${c.dir}/dovecot.log
instance_name = msgstore-bench
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_uid = nobody
mail_gid = nogroup
default_client_limit = ${limit}
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT username_format=%u ${c.dir}/passwd
}
userdb {
  driver = static
  args = home=${c.dir}/home/%u
}
protocol imap {
  mail_max_userip_connections = ${limit}
}
protocol pop3 {
  mail_max_userip_connections = ${limit}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${c.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${c.pop3Port}
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${c.lmtpPort}
  }
}
service imap {
  process_limit = ${limit}
}
service pop3 {
  process_limit = ${limit}
}
`;
}
