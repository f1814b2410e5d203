// Memory of a server = the sum over all its processes of RSS and PSS from /proc/<pid>/smaps_rollup
// (PSS shares each shared page among the processes that map it, so it does not double-count the
// code and shared memory of Dovecot's many processes).
import { readdirSync, readFileSync } from 'node:fs';

export interface Memory {
  readonly processes: number;
  readonly rssKiB: number;
  readonly pssKiB: number;
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m?.[1] ? Number(m[1]) : 0;
}

export function memoryOf(pids: readonly number[]): Memory {
  let rssKiB = 0;
  let pssKiB = 0;
  let processes = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rssKiB += field(text, 'Rss');
      pssKiB += field(text, 'Pss');
      processes++;
    } catch {
      // the process ended meanwhile
    }
  }
  return { processes, rssKiB, pssKiB };
}

/** The process and all its descendants (by walking every /proc/<pid>/stat once). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // the command name may hold spaces and parentheses: fields start after the last ')'
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(after[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < 1_000_000) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}
