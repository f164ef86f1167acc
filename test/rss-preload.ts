// Loaded with `node --import` into a child whose peak memory a test bounds (test/child.ts):
// at exit, write the child's own maxRSS, in bytes, as JSON to file descriptor 3.

import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }));
  } catch {
    // no descriptor 3: run by hand, nothing to report to
  }
});
