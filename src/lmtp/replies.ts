// Delivery outcomes -> LMTP replies (RFC 2033 §4.2: one per recipient after DATA). smtp-server adds
// the RFC 3463 enhanced code from the reply code: 250 2.0.0, 452 4.2.2 (mailbox full, try later),
// 552 5.2.2 (larger than the whole quota), 550 5.1.1 (no such user), 451 4.3.0 (local error).
// Too-big messages (552 5.3.4) are refused by smtp-server itself (rejectOversized).
import { DeliveryError } from '../delivery/deliver.js';

/** A reply for smtp-server: an Error with responseCode; its message is the reply text. */
export type Reply = Error & { responseCode: number };

export function reply(code: number, text: string): Reply {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Success as an Error object too: smtp-server gives a plain string the code 2.6.0, while an entry
 *  with responseCode 250 gets 2.0.0, what Postfix, Dovecot and the issue expect. */
export function delivered(recipient: string, uid: number): Reply {
  return reply(250, `<${recipient}> delivered (UID ${uid})`);
}

export function failed(recipient: string, err: unknown): Reply {
  if (!(err instanceof DeliveryError)) return reply(451, `<${recipient}> local error, try again later`);
  switch (err.kind) {
    case 'overquota':
      return err.permanent ? reply(552, `<${recipient}> the mailbox quota can never hold this message`) : reply(452, `<${recipient}> mailbox over quota, try again later`);
    case 'toobig':
      return reply(552, `<${recipient}> message too big`);
    case 'nomailbox':
      return reply(550, `<${recipient}> mailbox unavailable`);
    case 'temporary':
      return reply(451, `<${recipient}> local error, try again later`);
  }
}
