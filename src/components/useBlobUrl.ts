import { useEffect, useState } from 'react';

/**
 * An object URL for the Blob `load` fetches (a frame or a video kept in IndexedDB): undefined while
 * it loads, null when there is none. The URL is revoked when `load` or `refresh` changes or the
 * component unmounts, so no Blob is kept alive by a forgotten URL. `load` must be stable
 * (useCallback) or it is fetched on every render; undefined fetches nothing.
 */
export function useBlobUrl(load: (() => Promise<Blob | undefined>) | undefined, refresh?: unknown): string | null | undefined {
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!load) return;
    let live = true;
    let made: string | undefined;
    void load().then(
      (blob) => {
        if (!live) return;
        made = blob ? URL.createObjectURL(blob) : undefined;
        setUrl(made ?? null);
      },
      () => live && setUrl(null),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [load, refresh]);
  return url;
}
