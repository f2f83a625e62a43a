/** The deploy state's write: a cache, so a write that fails is a warning; only another deploy's write is a conflict. */
import type { ObjectStore } from '../src/ports.js';
import { readDeployState, saveDeployState, StateConflictError, type StateUpdate } from '../src/remote/state-store.js';
import { serializeState } from '../src/remote/state.js';

type Text = { text: string; etag: string } | undefined;

function storeWith(write: () => Promise<'written' | 'precondition-failed'>, read: () => Promise<Text>): ObjectStore {
  return { writeText: write, readText: read } as unknown as ObjectStore;
}

const UPDATE: StateUpdate = {
  entries: new Map([['a.js', { md5: 'a'.repeat(32), size: 1, etag: 'a'.repeat(32), headers: 'h' }]]),
  nonce: 'this-run',
};

async function save(store: ObjectStore): Promise<string> {
  const loaded = await readDeployState(store, '', false);
  return saveDeployState(store, '', loaded, UPDATE);
}

describe('saveDeployState', () => {
  test('a PUT that fails (e.g. AccessDenied, or a store that rejects conditional headers) is skipped, not thrown', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      save(
        storeWith(
          () => Promise.reject(denied),
          () => Promise.resolve(undefined),
        ),
      ),
    ).resolves.toBe('skipped');
  });

  test('a 412 whose re-read fails is skipped, not reported as another deploy', async () => {
    const store = storeWith(
      () => Promise.resolve('precondition-failed'),
      () => Promise.reject(new Error('socket hang up')),
    );
    await expect(save(store)).resolves.toBe('skipped');
  });

  test("a 412 whose re-read holds another run's nonce is a conflict", async () => {
    const other = serializeState({ entries: new Map(), history: [], nonce: 'another-run' }, '');
    const store = storeWith(
      () => Promise.resolve('precondition-failed'),
      () => Promise.resolve({ text: other, etag: 'e' }),
    );
    await expect(save(store)).rejects.toBeInstanceOf(StateConflictError);
  });

  test("a 412 whose re-read holds this run's nonce is our own earlier write", async () => {
    const mine = serializeState({ entries: new Map(), history: [], nonce: 'this-run' }, '');
    const store = storeWith(
      () => Promise.resolve('precondition-failed'),
      () => Promise.resolve({ text: mine, etag: 'e' }),
    );
    await expect(save(store)).resolves.toBe('written');
  });
});
