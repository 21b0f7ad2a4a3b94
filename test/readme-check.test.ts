/**
 * scripts/readme-check.mjs, the README runner: how blocks are found and treated, and which comment lines are
 * compared as output. (CI runs it on the README itself in scripts/check-packed.sh.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { classify, parseBlocks, segments } from '../scripts/readme-check.mjs';

const doc = [
  '# Title',
  '## Section A',
  '```sh',
  'echo hi',
  '```',
  '<!-- readme-check: skip needs a browser -->',
  '```ts',
  'await page.goto(url);',
  '```',
  '### Sub',
  '<!-- readme-check: file test/a.test.ts -->',
  '```ts',
  "it('x', () => {});",
  '```',
  '```yaml',
  'a: 1',
  '```',
  '<!-- readme-check: skip -->',
  '```sh',
  'x',
  '```',
  '<!-- readme-check: sikp typo -->',
  '```',
  'output',
  '```',
].join('\n');

describe('readme-check', () => {
  it('finds each block with its fence line and heading, and treats it by language and marker', () => {
    const blocks = parseBlocks(doc);
    expect(blocks.map((b: { line: number; heading: string }) => [b.line, b.heading])).toEqual([
      [3, '## Section A'],
      [7, '## Section A'],
      [12, '### Sub'],
      [15, '### Sub'],
      [19, '### Sub'],
      [23, '### Sub'],
    ]);
    expect(blocks.map(classify)).toEqual([
      { kind: 'shell' },
      { kind: 'skip', why: 'needs a browser' },
      { kind: 'file', path: 'test/a.test.ts' },
      { error: expect.stringContaining('a `yaml` block is not run: mark it') },
      { error: 'a skip marker needs a reason' },
      { error: expect.stringContaining('is not `<!-- readme-check: file PATH -->`') },
    ]);
  });

  it('compares only comment lines right after a command that read like output', () => {
    const segs = segments(
      [
        'curl -si $M/x   # notes at the end of a line are not compared',
        '# HTTP/1.1 201 Created',
        '# location: http://…',
        '# the next one succeeds',
        '# Create: a prose comment with a colon',
        'curl -s $B/ping',
        '# {"status":"success"}',
      ].join('\n'),
    );
    expect(segs.map((s: { expected: string[] }) => s.expected)).toEqual([
      ['HTTP/1.1 201 Created', 'location: http://…'],
      ['{"status":"success"}'],
    ]);
  });

  it('has every block of the README accounted for (run, a file, or marked)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const problems = parseBlocks(readme)
      .map((b: { line: number; heading: string }) => ({ b, how: classify(b) }))
      .filter((x: { how: { error?: string } }) => x.how.error)
      .map((x: { b: { line: number; heading: string }; how: { error: string } }) => `README.md:${x.b.line} (${x.b.heading}): ${x.how.error}`);
    expect(problems).toEqual([]);
  });
});
