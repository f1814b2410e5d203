// Case-insensitive substring matching for SEARCH (RFC 9051 §6.4.4: "case-insensitive", and the
// search string is literal, no wildcards). Folding is Unicode-aware, close to i;unicode-casemap
// (RFC 5051): compatibility-normalize, then upper-then-lower so that ß~SS and ς~σ fold together.
// Both the haystack and the needle go through it; then a plain `includes` is the match.
export function foldCase(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase();
}
