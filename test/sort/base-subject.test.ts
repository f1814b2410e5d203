// RFC 5256 §2.1 base subject: a table of subjects and what the algorithm leaves of them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseSubject } from '../../src/sort/index.js';

const cases: Array<[string | null, string, boolean]> = [
  [null, '', false],
  ['', '', false],
  ['Hello', 'Hello', false],
  ['Re: Hello', 'Hello', true],
  ['RE: Hello', 'Hello', true],
  ['re:Hello', 'Hello', true],
  ['Fw: Hello', 'Hello', true],
  ['Fwd: Hello', 'Hello', true],
  ['FWD : Hello', 'Hello', true],
  ['Re: Re: Re: Hello', 'Hello', true],
  ['Re: Fwd: Re: Hello', 'Hello', true],
  ['Re[2]: Hello', 'Hello', true],
  ['Re [2] : Hello', 'Hello', true],
  ['[list] Re: Hello', 'Hello', true],
  ['[list] Hello', 'Hello', false],
  ['[list][other] Hello', 'Hello', false],
  ['Re: [list] Hello', 'Hello', true],
  ['[list] Re: [list] Re: Hello', 'Hello', true],
  // (4): a blob that would leave nothing stays
  ['[only a blob]', '[only a blob]', false],
  ['Re: [only a blob]', '[only a blob]', true],
  ['[a] [b]', '[b]', false],
  // (2) trailers
  ['Hello (fwd)', 'Hello', true],
  ['Hello (FWD) (fwd)  ', 'Hello', true],
  ['Hello   ', 'Hello', false],
  // (6) [fwd: ...]
  ['[Fwd: Hello]', 'Hello', true],
  ['[fwd: Re: Hello (fwd)]', 'Hello', true],
  ['Re: [Fwd: [list] Hello]', 'Hello', true],
  ['[fwd: Hello', '[fwd: Hello', false],
  // (1) white space and encoded words
  ['  Hello\t  world  ', 'Hello world', false],
  ['Hello\r\n world', 'Hello world', false],
  ['=?UTF-8?Q?Re=3A_Gr=C3=BC=C3=9Fe?=', 'Grüße', true],
  ['Re: =?ISO-8859-1?Q?Caf=E9?= menu', 'Café menu', true],
  // Not leaders
  ['Reply: Hello', 'Reply: Hello', false],
  ['Re Hello', 'Re Hello', false],
  ['Fwx: Hello', 'Fwx: Hello', false],
  ['Hello: Re: world', 'Hello: Re: world', false],
];

describe('baseSubject (RFC 5256 §2.1)', () => {
  for (const [input, base, reply] of cases) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(baseSubject(input), { base, replyOrForward: reply });
    });
  }
});
