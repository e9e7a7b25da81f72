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
});
