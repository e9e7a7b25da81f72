// @vitest-environment jsdom
import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useBlobUrl } from './useBlobUrl.ts';

describe('useBlobUrl', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the Blob an object URL, null when there is none, and revokes it on unmount', async () => {
    // jsdom has no object URLs: count them instead.
    let n = 0;
    const created = vi.fn(() => `blob:test/${++n}`);
    const revoked = vi.fn();
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: revoked });
    const blob = new Blob(['x']);
    const found = () => Promise.resolve(blob);
    const { result, unmount } = renderHook(() => useBlobUrl(found));
    expect(result.current).toBeUndefined(); // loading
    await waitFor(() => expect(result.current).toBe('blob:test/1'));
    unmount();
    expect(revoked).toHaveBeenCalledWith('blob:test/1');

    const none = () => Promise.resolve(undefined);
    const missing = renderHook(() => useBlobUrl(none));
    await waitFor(() => expect(missing.result.current).toBeNull());
    expect(created).toHaveBeenCalledTimes(1);
  });

  it('fetches again when refresh changes, revoking the old URL', async () => {
    let n = 0;
    const revoked = vi.fn();
    Object.assign(URL, { createObjectURL: () => `blob:test/${++n}`, revokeObjectURL: revoked });
    const load = () => Promise.resolve(new Blob(['x']));
    const { result, rerender } = renderHook(({ r }) => useBlobUrl(load, r), { initialProps: { r: false } });
    await waitFor(() => expect(result.current).toBe('blob:test/1'));
    rerender({ r: true });
    await waitFor(() => expect(result.current).toBe('blob:test/2'));
    expect(revoked).toHaveBeenCalledWith('blob:test/1');
  });
});
