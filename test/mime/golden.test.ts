// Golden files: test/fixtures/mail/*.eml against *.expected.json (ENVELOPE field by field,
// BODYSTRUCTURE, sections, decoded headers, body text, sent date, BINARY). The expected values
// were written from the RFCs (sizes and line counts from the part bodies), not recorded output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Section } from '../../src/imap/wire/ast.js';
import { envelopeData, bodyStructureData } from '../../src/mime/imap-data.js';
import { parseMessage } from '../../src/mime/parse.js';
import { binaryContent, sectionRange } from '../../src/mime/section.js';
import { extractBodyText } from '../../src/mime/text.js';
import { serialize } from './serialize.js';

const DIR = join(process.cwd(), 'test/fixtures/mail');
const FIELDS = ['date', 'subject', 'from', 'sender', 'replyTo', 'to', 'cc', 'bcc', 'inReplyTo', 'messageId'] as const;

interface Expected {
  envelope: Record<(typeof FIELDS)[number], string>;
  bodystructure: string;
  sections?: Record<string, string>;
  nullSections?: string[];
  text?: string;
  headers?: Record<string, string>;
  sentDate?: { ms: number; offsetMinutes: number } | null;
  binary?: Record<string, string>;
  headerCount?: Record<string, number>;
}

export function parseSectionSpec(spec: string): Section {
  const parts = spec === '' ? [] : spec.split('.');
  const numbers: number[] = [];
  while (parts.length > 0 && /^\d+$/.test(parts[0] as string)) numbers.push(Number(parts.shift()));
  const text = parts.length === 0 ? null : (parts.join('.') as 'HEADER' | 'TEXT' | 'MIME');
  return { part: numbers, text };
}

const names = readdirSync(DIR).filter((n) => n.endsWith('.eml')).sort();

test('there are at least 30 fixtures', () => {
  assert.ok(names.length >= 30, `${names.length} fixtures`);
});

for (const name of names) {
  test(`golden ${name}`, () => {
    const bytes = readFileSync(join(DIR, name));
    const expected = JSON.parse(readFileSync(join(DIR, name.replace(/\.eml$/, '.expected.json')), 'utf8')) as Expected;
    const summary = parseMessage(bytes);
    const env = envelopeData(summary.envelope) as readonly import('../../src/imap/wire/data.js').ImapData[];
    FIELDS.forEach((field, i) => {
      assert.equal(serialize(env[i] ?? null), expected.envelope[field], `envelope ${field}`);
    });
    assert.equal(serialize(bodyStructureData(summary.root, true)), expected.bodystructure, 'BODYSTRUCTURE');
    for (const [spec, want] of Object.entries(expected.sections ?? {})) {
      const range = sectionRange(summary.root, parseSectionSpec(spec));
      assert.ok(range, `section ${spec} exists`);
      assert.equal(bytes.subarray(range.start, range.end).toString('utf8'), want, `section ${spec}`);
    }
    for (const spec of expected.nullSections ?? []) {
      assert.equal(sectionRange(summary.root, parseSectionSpec(spec)), null, `section ${spec} is null`);
    }
    if (expected.text !== undefined) assert.ok(extractBodyText(bytes, summary.root).includes(expected.text), 'body text');
    for (const [field, value] of Object.entries(expected.headers ?? {})) {
      assert.equal(summary.headers.find(([n]) => n === field)?.[1], value, `header ${field}`);
    }
    if (expected.sentDate !== undefined) assert.deepEqual(summary.sentDate, expected.sentDate, 'sentDate');
    for (const [spec, hex] of Object.entries(expected.binary ?? {})) {
      const content = binaryContent(bytes, summary.root, parseSectionSpec(spec).part);
      assert.ok(Buffer.isBuffer(content));
      assert.equal(content.toString('hex'), hex, `BINARY[${spec}]`);
    }
    for (const [field, count] of Object.entries(expected.headerCount ?? {})) {
      assert.equal(summary.headers.filter(([n]) => n === field).length, count, `${field} count`);
    }
  });
}
