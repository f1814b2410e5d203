// The V8 flags the server process is started with. Node cannot take them from inside a running
// process (v8.setFlagsFromString comes after the heap is made), so they are spelled out where the
// server is launched: the shebang of main.ts, `npm start`, the README's systemd unit and the
// benchmark's spawn. test/cli/node-flags.test.ts keeps those in step with this list.
//
// --min-semi-space-size=16: the young generation starts at its largest size (16 MiB per semi-space,
// V8's default ceiling on 64-bit) instead of growing from 1 MiB. Under APPEND load V8 otherwise
// settles with 8 MiB semi-spaces and, after every Mark-Compact, an old-generation limit only
// 16 MiB above the live heap, which its own rule takes as "close to the limit": a new marking
// starts at once, so a Mark-Compact ran every 90-130 ms (28 in 6 s) with a 14 MB heap. With the
// flag: one in 20 s, and 0-31 % (median 8 %) less server CPU per 200 KB APPEND in seven
// alternating pairs (docs/BENCHMARKS.md, part 18). Its pages are touched only as allocation
// reaches them: 1 MB more RSS at start.
export const SERVER_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16'];
