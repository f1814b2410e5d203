// Splits a multipart body into its parts (RFC 2046 §5.1.1). A delimiter is "--" boundary at the
// start of a line, optionally "--" (the close delimiter), then only white space up to the line end.
// The line break before a delimiter belongs to the delimiter, not to the part before it. Preamble
// and epilogue are ignored; a missing close delimiter ends the last part at the end of the body.

/** Bounds the number of parts of one multipart, against hostile input. */
const MAX_PARTS = 5000;

export function splitMultipart(bytes: Buffer, start: number, end: number, boundary: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  if (boundary === '') return parts;
  const delim = Buffer.from('--' + boundary, /^[\0-\xff]*$/.test(boundary) ? 'latin1' : 'utf8');
  let pos = start;
  let partStart = -1;
  while (parts.length < MAX_PARTS) {
    const at = bytes.indexOf(delim, pos);
    if (at < 0 || at + delim.length > end) break;
    pos = at + 1;
    if (at !== start && bytes[at - 1] !== 0x0a) continue;
    let k = at + delim.length;
    const close = bytes[k] === 0x2d && bytes[k + 1] === 0x2d && k + 2 <= end;
    if (close) k += 2;
    while (k < end && (bytes[k] === 0x20 || bytes[k] === 0x09)) k++;
    let lineEnd: number;
    if (k >= end) lineEnd = end;
    else if (bytes[k] === 0x0a) lineEnd = k + 1;
    else if (bytes[k] === 0x0d && (k + 1 === end || bytes[k + 1] === 0x0a)) lineEnd = Math.min(k + 2, end);
    else continue; // "--boundary" followed by other text is content, not a delimiter
    if (partStart >= 0) {
      let partEnd = at;
      if (partEnd > start && bytes[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > start && bytes[partEnd - 1] === 0x0d) partEnd--;
      parts.push([partStart, Math.max(partEnd, partStart)]);
    }
    if (close) return parts;
    partStart = lineEnd;
    pos = lineEnd;
  }
  if (partStart >= 0 && parts.length < MAX_PARTS) parts.push([partStart, end]);
  return parts;
}
