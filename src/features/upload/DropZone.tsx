import { useCallback, useRef } from 'react';
import { useDropzone } from 'react-dropzone';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import { FolderInput } from '../../components/FolderInput.tsx';

/** Drag-and-drop or pick frames (one, many, or a folder). Every file goes on to `onFiles`: the worker says which it cannot read. */
export function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { t } = useTranslation();
  const modelReady = useAppStore((s) => s.model.status === 'ready');
  const folderRef = useRef<HTMLInputElement>(null);
  const onDrop = useCallback(
    (accepted: File[], rejected: { file: File }[]) => {
      performance.mark('endolens:drop'); // lets tests and benchmarks time from the drop
      onFiles([...accepted, ...rejected.map((r) => r.file)]);
    },
    [onFiles],
  );
  const { getRootProps, getInputProps, isDragActive, open } = useDropzone({ onDrop, noClick: true, noKeyboard: true });
  return (
    <section className="upload" aria-label={t('upload.inputLabel')}>
      <div {...getRootProps({ className: `dropzone${isDragActive ? ' active' : ''}`, 'data-testid': 'dropzone' })}>
        <input {...getInputProps({ 'aria-label': t('upload.inputLabel'), 'data-testid': 'file-input' })} />
        <p className="drop-text">{isDragActive ? t('upload.dropActive') : t('upload.dropHere')}</p>
        <div className="upload-buttons">
          <button type="button" onClick={open}>
            {t('upload.orChoose')}
          </button>
          <button type="button" onClick={() => folderRef.current?.click()}>
            {t('upload.chooseFolder')}
          </button>
        </div>
        {!modelReady && <p className="hint">{t('upload.waitingForModel')}</p>}
      </div>
      <FolderInput ref={folderRef} label={t('upload.chooseFolder')} testId="folder-input" onFiles={onFiles} />
    </section>
  );
}
