// SORT and THREAD (RFC 5256 §5), with ESORT return options (RFC 5267 §3, extended-sort):
//   sort   = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria
//   thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria
//   search-criteria = charset 1*(SP search-key)   (the charset is mandatory here)
import type { Command, SortCriterion, SortKeyName, SortReturnOption, ThreadAlgorithm } from './ast.js';
import type { Parser } from './parser.js';
import { searchCriteria } from './search-grammar.js';

const SORT_KEYS: readonly SortKeyName[] = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'];
const SORT_RETURN: readonly SortReturnOption[] = ['MIN', 'MAX', 'ALL', 'COUNT'];
const THREAD_ALGORITHMS: readonly ThreadAlgorithm[] = ['ORDEREDSUBJECT', 'REFERENCES'];

export function sortCommand(p: Parser, tag: string, uid: boolean): Command {
  p.sp('after SORT');
  let returnOptions: SortReturnOption[] | null = null;
  if (p.tryKeyword('RETURN')) {
    returnOptions = [];
    p.sp('after RETURN');
    p.expectChar('(', 'to open the SORT return options');
    if (!p.tryChar(')')) {
      do {
        const opt = p.atom('as a SORT return option').toUpperCase();
        const known = SORT_RETURN.find((s) => s === opt);
        if (!known) p.fail(`Unknown SORT return option "${opt}"`);
        if (!returnOptions.includes(known)) returnOptions.push(known);
      } while (p.tryChar(' '));
      p.expectChar(')', 'after the SORT return options');
    }
    p.sp('after the SORT return options');
  }
  const criteria = sortCriteria(p);
  p.sp('after the sort criteria');
  const charset = p.astring('as the charset');
  p.sp('after the charset');
  return { tag, name: 'SORT', uid, returnOptions, criteria, charset, search: searchCriteria(p) };
}

/** sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"; sort-criterion = ["REVERSE" SP] sort-key */
function sortCriteria(p: Parser): SortCriterion[] {
  p.expectChar('(', 'to open the sort criteria');
  const out: SortCriterion[] = [];
  do {
    let word = p.atom('as a sort key').toUpperCase();
    let reverse = false;
    if (word === 'REVERSE') {
      reverse = true;
      p.sp('after REVERSE');
      word = p.atom('as a sort key').toUpperCase();
    }
    const key = SORT_KEYS.find((k) => k === word);
    if (!key) p.fail(`Unknown sort key "${word.slice(0, 40)}"`);
    out.push({ key, reverse });
  } while (p.tryChar(' '));
  p.expectChar(')', 'after the sort criteria');
  return out;
}

export function threadCommand(p: Parser, tag: string, uid: boolean): Command {
  p.sp('after THREAD');
  const word = p.atom('as the threading algorithm').toUpperCase();
  const algorithm = THREAD_ALGORITHMS.find((a) => a === word);
  if (!algorithm) p.fail(`Unknown threading algorithm "${word.slice(0, 40)}"`);
  p.sp('after the threading algorithm');
  const charset = p.astring('as the charset');
  p.sp('after the charset');
  return { tag, name: 'THREAD', uid, algorithm, charset, search: searchCriteria(p) };
}
