import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// src/heap.ts sets a V8 flag at run time; V8 only prints a warning for a flag it does not know, so
// a Node upgrade that drops it would silently undo the memory bound. The suite runs on Node 20 and 24.
test('the Node running the suite knows the flag src/heap.ts sets', () => {
  // Read from the source, not imported: importing src/heap.ts would set the flag in the test process.
  const source = readFileSync(path.join(__dirname, '..', 'src', 'heap.ts'), 'utf8');
  const flag = /YOUNG_GENERATION_FLAG = '(--[a-z-]+)=\d+'/.exec(source)?.[1];
  expect(flag).toBe('--semi-space-growth-factor');
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  expect(options).toContain(`${flag} (`);
});
