/** The early inference worker: started once, handed over once, and told to prebuild the embedded model unless the last start ended elsewhere. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ToWorker } from './protocol.ts';

class FakeWorker {
  static made: FakeWorker[] = [];
  sent: ToWorker[] = [];
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(msg: ToWorker): void {
    this.sent.push(msg);
  }
}

function storage(initial: Record<string, string> = {}, blocked = false): Storage {
  const values = new Map(Object.entries(initial));
  const deny = () => {
    throw new DOMException('blocked', 'SecurityError');
  };
  return {
    getItem: (k: string) => (blocked ? deny() : (values.get(k) ?? null)),
    setItem: (k: string, v: string) => (blocked ? deny() : void values.set(k, v)),
    removeItem: (k: string) => void values.delete(k),
    clear: () => values.clear(),
    key: () => null,
    get length() {
      return values.size;
    },
  };
}

// A fresh module per test: it holds the started worker.
const load = () => import('./worker-start.ts');

beforeEach(() => {
  vi.resetModules();
  FakeWorker.made = [];
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(() => vi.unstubAllGlobals());

describe('the early inference worker', () => {
  it('on a first visit (no hint) is told to prebuild the embedded model, and is the one the client takes', async () => {
    vi.stubGlobal('localStorage', storage());
    const { startInferenceWorker, takeInferenceWorker } = await load();
    startInferenceWorker('/model/');
    startInferenceWorker('/model/');
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0].sent).toEqual([{ type: 'prebuild-embedded', baseUrl: '/model/' }]);
    expect(takeInferenceWorker()).toBe(FakeWorker.made[0]);
    expect(takeInferenceWorker()).not.toBe(FakeWorker.made[0]); // a later client gets a worker of its own
  });

  it('remembers where a start ended: the embedded model on WASM prebuilds next time, anything else does not', async () => {
    const store = storage();
    vi.stubGlobal('localStorage', store);
    const { rememberStartHint } = await load();
    rememberStartHint(false);
    (await load()).startInferenceWorker('/model/');
    expect(FakeWorker.made[0].sent).toEqual([]);
    rememberStartHint(true);
    vi.resetModules();
    (await load()).startInferenceWorker('/model/');
    expect(FakeWorker.made[1].sent).toEqual([{ type: 'prebuild-embedded', baseUrl: '/model/' }]);
  });

  it('with storage blocked it prebuilds, as on a first visit, and remembering does not throw', async () => {
    vi.stubGlobal('localStorage', storage({}, true));
    const { rememberStartHint, startInferenceWorker } = await load();
    expect(() => rememberStartHint(false)).not.toThrow();
    startInferenceWorker('/model/');
    expect(FakeWorker.made[0].sent).toHaveLength(1);
  });

  it('a client with no early worker creates one', async () => {
    vi.stubGlobal('localStorage', storage());
    const { takeInferenceWorker } = await load();
    const w = takeInferenceWorker();
    expect(FakeWorker.made).toEqual([w]);
    expect(FakeWorker.made[0].sent).toEqual([]);
  });
});
