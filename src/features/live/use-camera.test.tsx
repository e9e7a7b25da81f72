// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCamera } from './use-camera.ts';

/** A camera track that records stop() and can end as an unplugged camera does. */
class FakeTrack extends EventTarget {
  readyState: 'live' | 'ended' = 'live';
  stop() {
    this.readyState = 'ended';
  }
}

function fakeStream(): { stream: MediaStream; track: FakeTrack } {
  const track = new FakeTrack();
  const stream = { getTracks: () => [track], getVideoTracks: () => [track] };
  return { stream: stream as unknown as MediaStream, track };
}

function installMediaDevices(getUserMedia: () => Promise<MediaStream>) {
  const devices = [{ kind: 'videoinput', deviceId: 'cam-1', label: 'Scope', groupId: 'g' }];
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: Object.assign(new EventTarget(), { getUserMedia: vi.fn(getUserMedia), enumerateDevices: () => Promise.resolve(devices) }),
  });
}

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(navigator, 'mediaDevices');
});

describe('useCamera', () => {
  it('starts a camera, lists devices, and stops its tracks on Stop and on unmount', async () => {
    const first = fakeStream();
    installMediaDevices(() => Promise.resolve(first.stream));
    const { result, unmount } = renderHook(() => useCamera());
    await act(() => result.current.start());
    expect(result.current.camera).toEqual({ status: 'live', stream: first.stream });
    expect(result.current.devices).toEqual([{ deviceId: 'cam-1', label: 'Scope' }]);
    act(() => result.current.stop());
    expect(first.track.readyState).toBe('ended');
    expect(result.current.camera.status).toBe('off');

    const second = fakeStream();
    installMediaDevices(() => Promise.resolve(second.stream));
    await act(() => result.current.start('cam-1'));
    expect(second.track.readyState).toBe('live');
    unmount();
    expect(second.track.readyState).toBe('ended');
  });

  it('a refused permission is an error the view can name', async () => {
    installMediaDevices(() => Promise.reject(new DOMException('no', 'NotAllowedError')));
    const { result } = renderHook(() => useCamera());
    await act(() => result.current.start());
    expect(result.current.camera).toEqual({ status: 'error', error: 'denied' });
  });

  it('a camera that ends mid-stream (unplugged) is released and said so', async () => {
    const cam = fakeStream();
    installMediaDevices(() => Promise.resolve(cam.stream));
    const { result } = renderHook(() => useCamera());
    await act(() => result.current.start());
    act(() => {
      cam.track.dispatchEvent(new Event('ended'));
    });
    expect(result.current.camera).toEqual({ status: 'error', error: 'ended' });
  });

  it('a camera granted after the view closed is stopped at once, never shown', async () => {
    const cam = fakeStream();
    let grant: (s: MediaStream) => void = () => undefined;
    installMediaDevices(() => new Promise((resolve) => (grant = resolve)));
    const { result, unmount } = renderHook(() => useCamera());
    let starting: Promise<void> = Promise.resolve();
    act(() => {
      starting = result.current.start();
    });
    unmount();
    grant(cam.stream);
    await starting;
    expect(cam.track.readyState).toBe('ended');
  });

  it('no camera support in this browser', async () => {
    const { result } = renderHook(() => useCamera());
    await act(() => result.current.start());
    expect(result.current.camera).toEqual({ status: 'error', error: 'unsupported' });
  });
});
