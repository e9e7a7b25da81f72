import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import { FolderInput } from '../../components/FolderInput.tsx';

/** "Load another model" (folder or files) and "back to the embedded model", with the reason when it fails. */
/** What loading a model does is the app's business (it owns the inference worker). */
export interface ModelLoadActions {
  /** Resolves true when the files loaded as the active model. */
  onLoadFiles: (files: File[]) => Promise<boolean>;
  onUseEmbedded: () => void;
}

export function LoadModelPanel({ onLoadFiles, onUseEmbedded }: ModelLoadActions) {
  const { t } = useTranslation();
  const source = useAppStore((s) => s.model.source);
  const status = useAppStore((s) => s.model.status);
  const folderRef = useRef<HTMLInputElement>(null);
  const filesRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async (files: File[]) => {
    if (!files.length) return;
    setMessage(null);
    const ok = await onLoadFiles(files);
    const m = useAppStore.getState().model;
    setMessage(
      ok
        ? { ok, text: t('loadModel.loaded', { name: m.metadata?.name }) }
        : { ok, text: t('loadModel.failed', { message: m.error?.message ?? '' }) },
    );
  };

  return (
    <section className="load-model" aria-labelledby="load-model-title" data-testid="load-model">
      <h3 id="load-model-title">{t('loadModel.title')}</h3>
      <p>{t('loadModel.help')}</p>
      <div className="upload-buttons">
        <button type="button" onClick={() => folderRef.current?.click()} disabled={status === 'loading'}>
          {t('loadModel.folder')}
        </button>
        <button type="button" onClick={() => filesRef.current?.click()} disabled={status === 'loading'}>
          {t('loadModel.files')}
        </button>
        {source === 'custom' && (
          <button
            type="button"
            onClick={() => {
              setMessage(null);
              onUseEmbedded();
            }}
          >
            {t('loadModel.back')}
          </button>
        )}
      </div>
      <FolderInput ref={folderRef} label={t('loadModel.folder')} testId="model-folder-input" onFiles={(files) => void load(files)} />
      <input
        ref={filesRef}
        type="file"
        multiple
        hidden
        accept=".json,.bin,.zip"
        aria-label={t('loadModel.files')}
        data-testid="model-files-input"
        onChange={(e) => {
          void load(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
      />
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-text'} data-testid="load-model-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
