// @vitest-environment jsdom
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { lazyComponent } from './lazy-component.tsx';

describe('lazyComponent', () => {
  it('shows the fallback, built from the props, until the code has loaded, then the component', async () => {
    let arrive: (c: (p: { n: number }) => React.ReactNode) => void = () => undefined;
    const Lazy = lazyComponent(
      () => new Promise<(p: { n: number }) => React.ReactNode>((resolve) => (arrive = resolve)),
      ({ n }) => <div data-testid="waiting">{`waiting ${n}`}</div>,
    );
    render(<Lazy n={3} />);
    expect(screen.getByTestId('waiting').textContent).toBe('waiting 3');
    await act(() => Promise.resolve(arrive(({ n }) => <div data-testid="chart">{`chart ${n}`}</div>)));
    expect((await screen.findByTestId('chart')).textContent).toBe('chart 3');
    expect(screen.queryByTestId('waiting')).toBeNull();
  });

  it('preload fetches the code once, ahead of the first render, and tries again after a failed fetch', async () => {
    let calls = 0;
    let fail = true;
    const Lazy = lazyComponent(
      () => {
        calls++;
        return fail ? Promise.reject(new Error('offline')) : Promise.resolve(() => <div data-testid="preloaded">chart</div>);
      },
      () => <div data-testid="waiting">waiting</div>,
    );
    Lazy.preload();
    await act(() => Promise.resolve());
    expect(calls).toBe(1);
    fail = false;
    Lazy.preload();
    Lazy.preload();
    await act(() => Promise.resolve());
    expect(calls).toBe(2); // the failed fetch again, then no more
    render(<Lazy />);
    expect((await screen.findByTestId('preloaded')).textContent).toBe('chart');
    expect(calls).toBe(2); // the render used the preloaded code
  });
});
