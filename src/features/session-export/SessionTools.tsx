/**
 * Export (CSV, session JSON with the image choice), import (validated, errors shown in full) and the
 * re-attach step for sessions exported without images. The caller owns the session: it gets the
 * imported frames and the re-attached files through callbacks and decides how to merge them.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentParams } from '../../domain/video-segments.ts';
import { exportFileName, sessionToCsv } from './csv.ts';
import { findingsToCsv } from './findings-csv.ts';
import { downloadText } from './download.ts';
import { dataUrlToFile, readText, sha256Hex } from './encoding.ts';
import {
  buildSessionFile,
  framesOf,
  parseSessionFile,
  planReattach,
  serializeSession,
  verifyEmbeddedImages,
  videosOf,
  type ImageMode,
  type SessionFile,
} from './session-json.ts';
import type { ConfidenceThresholds, FrameResult, SessionModelInfo } from './types.ts';
import type { VideoResult } from './video-results.ts';

export interface ImportedSession {
  file: SessionFile;
  frames: FrameResult[];
  /** Frame id -> original image, for sessions exported with images (verified against their hash). */
  images: Map<string, File>;
  /** The file's videos (records and timelines; never the video files themselves). */
  videos: VideoResult[];
}

export interface SessionToolsProps {
  frames: readonly FrameResult[];
  model: SessionModelInfo;
  thresholds: ConfidenceThresholds;
  getOriginal: (frame: FrameResult) => Promise<Blob | undefined> | Blob | undefined;
  onImport: (session: ImportedSession) => void | Promise<void>;
  /** Frames (with sha256) still lacking their original file, e.g. after a hashes-only import. */
  framesMissingImages?: readonly FrameResult[];
  onReattach?: (matches: { frameId: string; file: File }[]) => void | Promise<void>;
  onOpenReport?: () => void;
  app?: { name: string; version?: string };
  /**
   * How many videos can be exported, and the videos themselves, read when an export runs (a timeline
   * can hold 100 000 frames: not to be flattened on every analysed batch), with the segment settings
   * in force: "Export video findings (CSV)", and videos in the session file.
   */
  videoCount?: number;
  getVideos?: () => readonly VideoResult[];
  segmentParams?: SegmentParams;
  /** For tests: replaces the browser download. */
  download?: (fileName: string, text: string, mimeType: string) => void;
}

export async function importSessionFile(file: Blob & { name?: string }): Promise<ImportedSession & { corrupt: string[] }> {
  const source = file.name ? `"${file.name}"` : 'The file';
  const session = parseSessionFile(await readText(file), source);
  const corrupt = session.imageMode === 'embedded' ? await verifyEmbeddedImages(session) : [];
  const images = new Map<string, File>();
  for (const f of session.frames) {
    if (f.image && !corrupt.includes(f.fileName)) images.set(f.id, dataUrlToFile(f.image, f.fileName));
  }
  return { file: session, frames: framesOf(session), images, videos: videosOf(session), corrupt };
}

export function SessionTools(props: SessionToolsProps) {
  const { t } = useTranslation();
  const id = useId();
  const [imageMode, setImageMode] = useState<ImageMode>('hashes');
  const [message, setMessage] = useState<{ kind: 'status' | 'alert'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const download = props.download ?? downloadText;
  const missing = props.framesMissingImages ?? [];
  const videoCount = props.videoCount ?? 0;
  const getVideos = () => (videoCount > 0 ? (props.getVideos?.() ?? []) : []);
  const nothing = props.frames.length === 0 && videoCount === 0;

  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    try {
      await task();
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = () => {
    try {
      download(
        exportFileName('csv'),
        sessionToCsv(props.frames, { model: props.model, thresholds: props.thresholds }),
        'text/csv;charset=utf-8',
      );
      setMessage(null);
    } catch (e) {
      setMessage({ kind: 'alert', text: t('export.exportFailed', { message: (e as Error).message }) });
    }
  };

  const exportFindings = () => {
    try {
      if (!props.segmentParams) throw new Error('no segment settings');
      download(
        exportFileName('csv', new Date(), 'findings'),
        findingsToCsv(getVideos(), { params: props.segmentParams }),
        'text/csv;charset=utf-8',
      );
      setMessage(null);
    } catch (e) {
      setMessage({ kind: 'alert', text: t('export.exportFailed', { message: (e as Error).message }) });
    }
  };

  const exportJson = () =>
    run(async () => {
      try {
        const file = await buildSessionFile(props.frames, {
          model: props.model,
          thresholds: props.thresholds,
          imageMode,
          getOriginal: props.getOriginal,
          app: props.app,
          videos: getVideos(),
          segmentParams: props.segmentParams,
        });
        download(exportFileName('json'), serializeSession(file), 'application/json');
        setMessage(null);
      } catch (e) {
        setMessage({ kind: 'alert', text: t('export.exportFailed', { message: (e as Error).message }) });
      }
    });

  const importJson = (file: File) =>
    run(async () => {
      setMessage({ kind: 'status', text: t('export.importing') });
      try {
        const result = await importSessionFile(file);
        await props.onImport(result);
        const imported = t('export.imported', { count: result.frames.length, file: file.name });
        const text = result.videos.length ? `${imported} ${t('export.importedVideos', { count: result.videos.length })}` : imported;
        setMessage(
          result.corrupt.length
            ? { kind: 'alert', text: `${text} ${t('export.corruptImages', { files: result.corrupt.join(', ') })}` }
            : { kind: 'status', text },
        );
      } catch (e) {
        setMessage({ kind: 'alert', text: t('export.importFailed', { file: file.name, message: (e as Error).message }) });
      }
    });

  const reattach = (files: File[]) =>
    run(async () => {
      try {
        const candidates = await Promise.all(files.map(async (f) => ({ name: f.name, sha256: await sha256Hex(f) })));
        const plan = planReattach(missing, candidates);
        await props.onReattach?.(plan.matches.map((m) => ({ frameId: m.frameId, file: files[m.candidate] })));
        setMessage({
          kind: 'status',
          text: t('export.reattachResult', {
            matched: plan.matches.length,
            missing: plan.missing.length,
            unmatched: plan.unmatched.length,
          }),
        });
      } catch (e) {
        setMessage({
          kind: 'alert',
          text: t('export.importFailed', { file: files.map((f) => f.name).join(', '), message: (e as Error).message }),
        });
      }
    });

  return (
    <section className="session-tools" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('export.title')}</h2>
      <div className="session-tools__row">
        <button type="button" onClick={exportCsv} disabled={busy || props.frames.length === 0}>
          {t('export.csv')}
        </button>
        {videoCount > 0 && (
          <button type="button" onClick={exportFindings} disabled={busy}>
            {t('export.findingsCsv')}
          </button>
        )}
        {props.onOpenReport && (
          <button type="button" onClick={props.onOpenReport} disabled={nothing}>
            {t('export.print')}
          </button>
        )}
      </div>
      <fieldset>
        <legend>{t('export.imageMode')}</legend>
        <label>
          <input type="radio" name={`${id}-mode`} value="hashes" checked={imageMode === 'hashes'} onChange={() => setImageMode('hashes')} />{' '}
          {t('export.imageModeHashes')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-mode`}
            value="embedded"
            checked={imageMode === 'embedded'}
            onChange={() => setImageMode('embedded')}
          />{' '}
          {t('export.imageModeEmbedded')}
        </label>
        <button type="button" onClick={() => void exportJson()} disabled={busy || nothing}>
          {t('export.json')}
        </button>
      </fieldset>
      <label htmlFor={`${id}-import`}>{t('export.import')}</label>{' '}
      <input
        id={`${id}-import`}
        type="file"
        accept="application/json,.json"
        disabled={busy}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = ''; // the same file can be chosen again after a fix
          if (file) void importJson(file);
        }}
      />
      {missing.length > 0 && props.onReattach && (
        <div className="session-tools__reattach" role="group" aria-labelledby={`${id}-reattach`}>
          <h3 id={`${id}-reattach`}>{t('export.reattachTitle')}</h3>
          <p>{t('export.reattachHelp', { count: missing.length })}</p>
          <label htmlFor={`${id}-reattach-input`}>{t('export.reattachChoose')}</label>{' '}
          <input
            id={`${id}-reattach-input`}
            type="file"
            multiple
            accept="image/*"
            disabled={busy}
            onChange={(e) => {
              const files = Array.from(e.currentTarget.files ?? []);
              e.currentTarget.value = '';
              if (files.length) void reattach(files);
            }}
          />
        </div>
      )}
      {message && (
        <p role={message.kind} className={`session-tools__${message.kind}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}
