// The file half of `postkeep check`: every blob row against its bytes (its file, or the row's own bytes
// for a small message, inline-blobs.ts: there, the right size, a summary that parses), and every file
// against the rows (orphans, temp files left by a crash mid-write).
import { statSync } from 'node:fs';
import type { FileBlobStore } from '../blobs/file-blobs.js';
import type { MessageAnalyzer } from '../types.js';
import type { MessageSummary } from '../../mime/types.js';
import { describePlace, type MessagePlace } from './check.js';

export interface BlobRow {
  readonly id: string;
  readonly size: number;
  readonly refcount: number;
  readonly summary: string;
  /** The length of the bytes stored in the row; null when they are in a file. */
  readonly inlineSize: number | null;
}

export interface FileFindings {
  /** Referenced blobs whose file is missing or has the wrong size: those messages cannot be read. */
  readonly damaged: Array<{ id: string; kind: 'missing-file' | 'bad-file'; detail: string }>;
  /** Summaries that do not parse, with a fresh analysis of the file. */
  readonly badSummaries: Array<{ id: string; detail: string; summary: MessageSummary; bodyText: string }>;
  /** Every blob file present. */
  readonly fileIds: string[];
  /** Temp files of interrupted writes (paths). */
  readonly temps: string[];
}

function fileSize(blobs: FileBlobStore, id: string): number | null {
  try {
    return statSync(blobs.pathFor(id)).size;
  } catch {
    return null;
  }
}

export async function checkFiles(
  blobs: FileBlobStore,
  rows: readonly BlobRow[],
  byBlob: ReadonlyMap<string, readonly MessagePlace[]>,
  referenced: ReadonlyMap<string, number>,
  analyze: MessageAnalyzer,
  /** A message's bytes, from its row or its file (inline-blobs.ts readBlob). */
  readBytes: (id: string) => Promise<Buffer>,
): Promise<FileFindings> {
  const damaged: FileFindings['damaged'] = [];
  const badSummaries: FileFindings['badSummaries'] = [];
  for (const row of rows) {
    const size = row.inlineSize ?? fileSize(blobs, row.id);
    const users = referenced.get(row.id) ?? 0;
    const where = (byBlob.get(row.id) ?? []).map(describePlace).join(', ');
    if (size === null) {
      if (users > 0) damaged.push({ id: row.id, kind: 'missing-file', detail: `file of blob ${row.id} is missing: ${where} cannot be read` });
      continue;
    }
    if (size !== row.size) {
      if (users > 0) damaged.push({ id: row.id, kind: 'bad-file', detail: `file of blob ${row.id} has ${size} bytes, ${row.size} expected: ${where} is damaged` });
      continue;
    }
    try {
      JSON.parse(row.summary);
    } catch {
      const analysis = analyze(await readBytes(row.id));
      badSummaries.push({ id: row.id, detail: `blob ${row.id} (${where || 'unused'}): the stored summary does not parse`, ...analysis });
    }
  }
  const listed = await blobs.listFiles();
  return { damaged, badSummaries, fileIds: listed.blobs.map((b) => b.id), temps: listed.temps.map((t) => t.path) };
}
