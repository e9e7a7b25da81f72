/** The page's side of the worker protocol: a load resolves with its answer; a failure after it is an event. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testMetadata } from '../store/fixtures.test-helpers.ts';
import { InferenceClient, type ClientEvents } from './client.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** Stands in for the inference worker: records what the page sends, lets the test answer. */
class FakeWorker {
  static last: FakeWorker | undefined;
  sent: ToWorker[] = [];
  onmessage: ((ev: { data: FromWorker }) => void) | undefined;
  onerror: ((ev: { message: string }) => void) | undefined;
  constructor() {
    FakeWorker.last = this;
  }
  postMessage(msg: ToWorker): void {
    this.sent.push(msg);
  }
  answer(msg: FromWorker): void {
    this.onmessage?.({ data: msg });
  }
}

const loaded: FromWorker = {
  type: 'loaded',
  metadata: testMetadata,
  modelKey: 'M@1#x',
  backend: 'wasm',
  backendReason: 'measured',
  timings: [],
  numTensors: 3,
};
const failure: FromWorker = { type: 'load-error', kind: 'backend', message: 'the warm-up call failed: out of memory' };

const onModelFailed = vi.fn<ClientEvents['onModelFailed']>();
let events: ClientEvents;
beforeEach(() => {
  vi.stubGlobal('Worker', FakeWorker);
  onModelFailed.mockClear();
  events = { onResults: vi.fn(), onIdle: vi.fn(), onBackend: vi.fn(), onModelFailed };
});
afterEach(() => vi.unstubAllGlobals());

describe('InferenceClient', () => {
  it('resolves a load with the worker answer; a load error then is that answer, not an event', async () => {
    const client = new InferenceClient(events);
    const first = client.load({ kind: 'embedded', baseUrl: '/model/' }, { mode: 'measure' });
    FakeWorker.last?.answer(failure);
    await expect(first).resolves.toEqual(failure);
    const second = client.load({ kind: 'embedded', baseUrl: '/model/' }, { mode: 'measure' });
    FakeWorker.last?.answer(loaded);
    await expect(second).resolves.toEqual(loaded);
    expect(onModelFailed).not.toHaveBeenCalled();
  });

  it('reports a load error that comes after "loaded" (the model could not run its warm-up) as onModelFailed', async () => {
    const client = new InferenceClient(events);
    const load = client.load({ kind: 'embedded', baseUrl: '/model/' }, { mode: 'measure' });
    FakeWorker.last?.answer(loaded);
    await load;
    FakeWorker.last?.answer(failure);
    expect(onModelFailed).toHaveBeenCalledWith(failure);
  });
});
