// Builds SortItems from short raw messages through the real MIME parser, for the SORT/THREAD tests.
import { parseMessage } from '../../src/mime/parse.js';
import type { SortItem } from '../../src/sort/index.js';

export interface ItemSpec {
  readonly uid: number;
  readonly headers?: Record<string, string>;
  /** INTERNALDATE as an ISO string; defaults to 2024-01-01 plus uid minutes. */
  readonly internal?: string;
  readonly size?: number;
}

export function items(specs: readonly ItemSpec[]): SortItem[] {
  return specs.map((s, i) => {
    const head = Object.entries(s.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const bytes = Buffer.from(`${head}\r\nbody\r\n`);
    return {
      msn: i + 1,
      meta: {
        uid: s.uid,
        modseq: 1,
        flags: [],
        internalDate: s.internal ? Date.parse(s.internal) : Date.UTC(2024, 0, 1) + s.uid * 60_000,
        saveDate: 0,
        size: s.size ?? bytes.length,
        blobId: `b${s.uid}`,
        emailId: `e${s.uid}`,
        threadId: `t${s.uid}`,
      },
      summary: parseMessage(bytes),
    };
  });
}
