// Turns FETCH data into plain values that read well in assertions.
import { Atom, Concat, Literal, StreamLiteral, type ImapData } from '../../../src/imap/wire/data.js';
import { buildFetchData, type FetchOptions, type FetchTarget } from '../../../src/imap/fetch/index.js';
import type { FetchAtt } from '../../../src/imap/wire/ast.js';
import { fakeDeps, meta, type CountingDeps } from './fixture.js';

export type Plain = null | number | string | { atom: string } | { literal: string; binary: boolean } | { stream: number } | { concat: Plain[] } | Plain[];

export function plain(d: ImapData): Plain {
  if (d instanceof Atom) return { atom: d.value };
  if (d instanceof Literal) return { literal: d.bytes.toString('latin1'), binary: d.binary };
  if (d instanceof StreamLiteral) return { stream: d.size };
  if (d instanceof Concat) return { concat: d.items.map(plain) };
  if (Array.isArray(d)) return d.map(plain);
  return d as null | number | string;
}

/** name -> value pairs; names must be atoms. */
export function pairs(data: readonly ImapData[]): Array<[string, Plain]> {
  const out: Array<[string, Plain]> = [];
  for (let i = 0; i < data.length; i += 2) {
    const name = data[i];
    if (!(name instanceof Atom)) throw new Error(`item name at ${i} is not an atom`);
    out.push([name.value, plain(data[i + 1] ?? null)]);
  }
  return out;
}

export const defaults: FetchOptions = { imap4rev2: true, includeUid: false, streamThreshold: 1 << 20 };

export async function fetch(
  items: readonly FetchAtt[],
  opts: Partial<FetchOptions> = {},
  target: FetchTarget = { msn: 1, meta },
  deps: CountingDeps = fakeDeps(),
): Promise<Array<[string, Plain]>> {
  return pairs(await buildFetchData(items, target, deps, { ...defaults, ...opts }));
}

export const lit = (text: string | Buffer, binary = false): Plain => ({
  literal: typeof text === 'string' ? Buffer.from(text, 'utf8').toString('latin1') : text.toString('latin1'),
  binary,
});
