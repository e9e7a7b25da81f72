import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Mounts its children only once the placeholder comes near the viewport, so 1000 cards do not mean
 * 1000 charts. Keeps them mounted afterwards.
 */
export function LazyMount({ children, minHeight, rootMargin = '400px' }: { children: ReactNode; minHeight: number; rootMargin?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // Without IntersectionObserver (old browsers, jsdom) everything mounts at once.
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setVisible(true);
      },
      { rootMargin },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [visible, rootMargin]);
  return (
    <div ref={ref} style={{ minHeight }}>
      {visible ? children : null}
    </div>
  );
}
