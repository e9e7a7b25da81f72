/**
 * A component whose code loads when it is first shown (React.lazy), waiting in `fallback` meanwhile,
 * or earlier with `preload()`. For the charts: recharts and what it brings are about half of the
 * page's code, and a first visit needs none of it before its first result (issue 11).
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

export type LazyComponent<P extends object> = ComponentType<P> & {
  /** Fetches the code now, before the component is first shown; a failed fetch is tried again then. */
  preload(): void;
};

export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: (props: P) => ReactNode,
): LazyComponent<P> {
  let loading: Promise<ComponentType<P>> | undefined;
  const code = () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
  const Code = lazy(() => code().then((component) => ({ default: component })));
  function Lazy(props: P) {
    return (
      <Suspense fallback={fallback(props)}>
        <Code {...props} />
      </Suspense>
    );
  }
  return Object.assign(Lazy, { preload: () => void code().catch(() => undefined) });
}
