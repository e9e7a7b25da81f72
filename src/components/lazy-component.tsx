/**
 * A component whose code loads when it is first shown (React.lazy), waiting in `fallback` meanwhile.
 * For the charts: recharts and what it brings are about half of the page's code, and a first visit
 * needs none of it before its first result (issue 11).
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: (props: P) => ReactNode,
): ComponentType<P> {
  const Code = lazy(() => load().then((component) => ({ default: component })));
  return function LazyComponent(props: P) {
    return (
      <Suspense fallback={fallback(props)}>
        <Code {...props} />
      </Suspense>
    );
  };
}
