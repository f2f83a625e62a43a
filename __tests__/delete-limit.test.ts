/** max-delete: the input's forms, the limit it sets, and the refusal's words (pure). */
import { parseConfig } from '../src/config/parse.js';
import type { DeleteLimit } from '../src/config/parse.js';
import { allowedDeletes, deleteLimitRefusal, refuseOverDeleteLimit } from '../src/plan/delete-limit.js';

const count = (n: number): DeleteLimit => ({ kind: 'count', count: n, input: String(n) });
const share = (p: number): DeleteLimit => ({ kind: 'share', percent: p, input: `${p}%` });

const parse = (value: string) =>
  parseConfig((name) => ({ bucket: 'site', region: 'us-east-1', 'max-delete': value })[name as string] ?? '', {}, {}).maxDelete;

describe("the 'max-delete' input", () => {
  test.each<[string, DeleteLimit | undefined]>([
    ['', undefined],
    ['0', { kind: 'count', count: 0, input: '0' }],
    ['500', { kind: 'count', count: 500, input: '500' }],
    ['25%', { kind: 'share', percent: 25, input: '25%' }],
    ['2.5%', { kind: 'share', percent: 2.5, input: '2.5%' }],
    ['100%', { kind: 'share', percent: 100, input: '100%' }],
  ])('%j → %j', (value, limit) => {
    expect(parse(value)).toEqual(limit);
  });

  test.each(['-1', '1.5', '101%', '25 %', 'lots', '%', '1e3'])('%j is refused naming the input and the forms it takes', (value) => {
    expect(() => parse(value)).toThrow(
      `Input 'max-delete': '${value}' is neither a count of objects nor a percentage from 0% to 100%. Use a number such as '500', a share of the objects in scope such as '25%', or leave it empty for no limit.`,
    );
  });
});

describe('allowedDeletes', () => {
  test.each<[DeleteLimit, number, number]>([
    [count(500), 10, 500],
    [count(0), 10, 0],
    [share(25), 400, 100],
    [share(25), 401, 100],
    [share(25), 3, 0],
    [share(100), 7, 7],
    [share(2.5), 1000, 25],
  ])('%j of %i objects in scope allows %i', (limit, inScope, allowed) => {
    expect(allowedDeletes(limit, inScope)).toBe(allowed);
  });
});

describe('deleteLimitRefusal', () => {
  test('no limit never refuses', () => {
    expect(deleteLimitRefusal(10_000, 10_000, '', undefined)).toBeUndefined();
  });

  test('at the limit passes; one over is refused, naming the count, the share, the input and the fix', () => {
    expect(deleteLimitRefusal(100, 400, '', share(25))).toBeUndefined();
    expect(deleteLimitRefusal(101, 400, '', share(25))).toBe(
      "The plan would delete 101 objects under the bucket root (25.3% of the 400 objects in scope), more than 'max-delete: 25%' allows (at most 100, 25% of 400). If source-dir, prefix, include and exclude are right and these deletions are intended, raise 'max-delete' for this run.",
    );
  });

  test('a count names the prefix', () => {
    expect(deleteLimitRefusal(6, 10, 'pr-7/', count(5))).toBe(
      "The plan would delete 6 objects under 'pr-7/' (60% of the 10 objects in scope), more than 'max-delete: 5' allows (at most 5). If source-dir, prefix, include and exclude are right and these deletions are intended, raise 'max-delete' for this run.",
    );
  });

  test('refuseOverDeleteLimit throws the refusal as a guard, and is silent within the limit', () => {
    expect(() => refuseOverDeleteLimit(6, 10, { prefix: '', maxDelete: count(5) })).toThrow(
      expect.objectContaining({ name: 'GuardError' }),
    );
    expect(() => refuseOverDeleteLimit(5, 10, { prefix: '', maxDelete: count(5) })).not.toThrow();
  });
});
