// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from './use-throttled.ts';

describe('useThrottled', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes values at most once per period and always ends on the latest', () => {
    const { result, rerender } = renderHook(({ v }) => useThrottled(v, 1000), { initialProps: { v: 1 } });
    expect(result.current).toBe(1);
    act(() => void rerender({ v: 2 }));
    act(() => void vi.advanceTimersByTime(0));
    expect(result.current).toBe(2); // the first change after a quiet period goes through at once
    act(() => void rerender({ v: 3 }));
    act(() => void rerender({ v: 4 }));
    act(() => void vi.advanceTimersByTime(500));
    expect(result.current).toBe(2); // held back within the period
    act(() => void vi.advanceTimersByTime(600));
    expect(result.current).toBe(4); // then the latest, skipping 3
  });

  it('follows at once at 0 ms', () => {
    const { result, rerender } = renderHook(({ v }) => useThrottled(v, 0), { initialProps: { v: 'a' } });
    rerender({ v: 'b' });
    expect(result.current).toBe('b');
  });
});
