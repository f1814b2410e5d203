// The private Dovecot instance's configuration: everything under one run directory (base_dir,
// state_dir, logs, Maildirs, passwd-file), loopback ports found free at run time, plaintext auth
// allowed (no TLS in this bench), and process/client limits raised for many connections. It never
// includes /etc/dovecot, so the system instance is left alone.
export interface DovecotConfigInput {
  readonly dir: string;
  readonly imapPort: number;
  readonly lmtpPort: number;
  readonly fsync: 'optimized' | 'always';
  readonly maxConnections: number;
}

export function dovecotConfig(c: DovecotConfigInput): string {
  const processes = c.maxConnections + 200;
  const clients = 2 * c.maxConnections + 2000;
  return `# Written by bench/dovecot/config.ts for one benchmark run; not the system instance.
instance_name = postkeep-bench
base_dir = ${c.dir}/run
state_dir = ${c.dir}/state
log_path = ${c.dir}/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# user01@example.org (LMTP RCPT) and user01 (IMAP LOGIN) are the same user
auth_username_format = %Ln
mail_location = maildir:~/Maildir
# the mail files belong to nobody (65534); Dovecot refuses uid 0 for mail
first_valid_uid = 1
mail_fsync = ${c.fsync}
postmaster_address = postmaster@example.org
default_process_limit = ${processes}
default_client_limit = ${clients}
default_vsz_limit = 1G
passdb {
  driver = passwd-file
  args = ${c.dir}/users
}
userdb {
  driver = passwd-file
  args = ${c.dir}/users
}
protocol imap {
  mail_max_userip_connections = ${c.maxConnections + 100}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${c.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
  # "high-performance mode": long-lived login processes each serving many clients
  service_count = 0
  process_min_avail = 2
  client_limit = ${clients}
}
service imap {
  process_limit = ${processes}
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${c.lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
  process_min_avail = 2
}
service auth {
  client_limit = ${clients}
}
`;
}
