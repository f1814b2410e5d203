// What the SQLite and PostgreSQL ENVELOPE text tests share: an ASCII message, whose envelope is kept
// as IMAP text, and an 8-bit one, whose is not (the text would depend on the session's UTF-8 mode),
// each stored through one of the two append paths.
import assert from 'node:assert/strict';
import { envelopeImap } from '../../src/mime/envelope-imap.js';
import type { MessageSummary } from '../../src/mime/types.js';
import type { Store } from '../../src/store/types.js';

export const ASCII = Buffer.from('From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: "quoted" \\ back\r\nMessage-ID: <a@b>\r\n\r\nHi\r\n');
export const EIGHT_BIT = Buffer.from('From: Jürgen <j@example.com>\r\nSubject: Grüße\r\n\r\nHallo\r\n', 'utf8');

/** A new account's INBOX with ASCII as UID 1 (appendMessage) and EIGHT_BIT as UID 2 (appendMessages). */
export async function seedEnvelopeMailbox(store: Store): Promise<number> {
  const account = await store.createAccount('env', 'h');
  const box = await store.getMailbox(account.id, 'INBOX');
  assert.ok(box);
  await store.appendMessage(box.id, { bytes: ASCII, flags: [] });
  await store.appendMessages(box.id, [{ bytes: EIGHT_BIT, flags: [] }]);
  return box.id;
}

/** UID 1 comes back as its IMAP text, UID 2 as the Envelope itself; returns what was read. */
export async function assertTextAndEnvelope(
  store: Store & { getEnvelopeTexts(mailboxId: number, uids: readonly number[]): Promise<Map<number, unknown>> },
  boxId: number,
): Promise<{ summaries: Map<number, MessageSummary>; texts: Map<number, unknown> }> {
  const summaries = await store.getSummaries(boxId, [1, 2]);
  const texts = await store.getEnvelopeTexts(boxId, [1, 2]);
  assert.equal(texts.get(1), envelopeImap(summaries.get(1)!.envelope, false));
  assert.deepEqual(texts.get(2), summaries.get(2)!.envelope);
  return { summaries, texts };
}
