// Every scenario, in the order of issue #5.
import { append } from './append.js';
import { bigMailbox } from './big-mailbox.js';
import { flagChurn } from './flag-churn.js';
import { idle } from './idle.js';
import { lmtp } from './lmtp.js';
import { login } from './login.js';
import { mixed } from './mixed.js';
import { search } from './search.js';
import type { Scenario } from './types.js';

export const scenarios: readonly Scenario[] = [login, append, lmtp, bigMailbox, search, flagChurn, idle, mixed];
