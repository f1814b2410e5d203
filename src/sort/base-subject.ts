// The "base subject" of RFC 5256 §2.1, used by SORT SUBJECT and both THREAD algorithms. A pure
// function of the Subject: field as written (encoded words and all); the loop follows the RFC's
// steps (1)-(7) exactly, since the RFC says every server and disconnected client must.
import { decodeWords } from '../mime/decode.js';

export interface BaseSubject {
  /** The base subject text (not case-folded). */
  readonly base: string;
  /** RFC 5256 §3 REFERENCES: extraction removed a subj-refwd, a "(fwd)" trailer or [fwd: ...]. */
  readonly replyOrForward: boolean;
}

// subj-blob = "[" *BLOBCHAR "]" *WSP
const BLOB = /^\[[^[\]]*\][ \t]*/;
// subj-leader = (*subj-blob subj-refwd) / WSP; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
const REFWD_LEADER = /^(?:\[[^[\]]*\][ \t]*)*(?:re|fwd?)[ \t]*(?:\[[^[\]]*\][ \t]*)?:/i;
// subj-trailer = "(fwd)" / WSP
const FWD_TRAILER = /\(fwd\)$/i;

export function baseSubject(subject: string | null): BaseSubject {
  // (1) encoded words to UTF-8; tabs and continuations to a space; runs of spaces to one.
  let s = decodeWords(subject ?? '')
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/[\t\r\n]/g, ' ')
    .replace(/ {2,}/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) trailing subj-trailer, repeatedly.
    for (;;) {
      if (s.endsWith(' ')) s = s.slice(0, -1);
      else if (FWD_TRAILER.test(s)) {
        s = s.slice(0, -5);
        replyOrForward = true;
      } else break;
    }
    // (5) repeat (3) and (4) until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      // (3) subj-leader prefixes.
      for (;;) {
        if (s.startsWith(' ')) s = s.slice(1);
        else {
          const m = REFWD_LEADER.exec(s);
          if (!m) break;
          s = s.slice(m[0].length);
          replyOrForward = true;
        }
        changed = true;
      }
      // (4) a subj-blob prefix, unless removing it leaves an empty subj-base.
      const blob = BLOB.exec(s);
      if (blob && s.slice(blob[0].length).trim() !== '') {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // (6) [fwd: ...] wrapper: remove and start over at (2).
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      s = s.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    // (7)
    return { base: s, replyOrForward };
  }
}
