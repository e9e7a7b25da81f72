/// <reference lib="webworker" />
/**
 * A helper worker started by the inference worker: decodes and preprocesses frames (src/core) in
 * parallel with inference, on machines with cores to spare. No tfjs here.
 */
import { FrameError } from './decode.ts';
import { prepareFrame } from './prepare.ts';
import type { PrepRequest, PrepResponse } from './prep-pool.ts';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (ev: MessageEvent<PrepRequest>) => {
  const { id, file, spec, thumbnailWidth } = ev.data;
  try {
    const p = await prepareFrame(file, spec, undefined, thumbnailWidth);
    const msg: PrepResponse = { id, ok: true, ...p };
    self.postMessage(msg, [p.input.buffer]);
  } catch (e) {
    const msg: PrepResponse = {
      id,
      ok: false,
      code: e instanceof FrameError ? e.code : 'decode-failed',
      detail: e instanceof Error ? e.message : String(e),
    };
    self.postMessage(msg);
  }
};
