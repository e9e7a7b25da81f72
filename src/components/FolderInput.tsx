import type { Ref } from 'react';

/**
 * A hidden input that picks a whole folder (every file in it, with `webkitRelativePath`), opened by
 * a visible button through `ref`. Its value is cleared after each choice, so choosing the same
 * folder again fires again. Nothing is reported for a folder with no files.
 */
export function FolderInput({
  ref,
  label,
  testId,
  onFiles,
}: {
  ref: Ref<HTMLInputElement>;
  label: string;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  return (
    <input
      ref={ref}
      type="file"
      multiple
      hidden
      aria-label={label}
      data-testid={testId}
      // Not in React's typings: Chromium, Firefox and Safari all read it.
      {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
      onChange={(e) => {
        const files = Array.from(e.currentTarget.files ?? []);
        e.currentTarget.value = '';
        if (files.length) onFiles(files);
      }}
    />
  );
}
