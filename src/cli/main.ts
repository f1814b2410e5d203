#!/usr/bin/env -S node --min-semi-space-size=16
// The `postkeep` command. Expected failures print one line and exit 1; anything else is a bug and
// gets its stack trace.
import { isExpectedError } from './errors.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (isExpectedError(err)) {
    console.error(`postkeep: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
}
