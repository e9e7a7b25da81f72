import type { StateCreator } from 'zustand';
import type {
  FailedFrame,
  TeachErrorCode,
  TeachFrameSource,
  TeachMethod,
  TeachPlanSummary,
  TeachProgress,
  TeachResult,
} from '../teach/teach-protocol.ts';
import type { AppState } from './store.ts';

/** A frame gathered for teaching (the file stays in memory until training starts; never persisted). */
export interface GatheredFrame {
  id: string;
  name: string;
  className: string;
  source: TeachFrameSource;
  file: Blob;
}

/** A file an import could not use, and why (not an image, no class folder...). */
export interface SkippedFile {
  name: string;
  /** `file-not-kept`: a reviewed frame whose file the browser did not keep (quota, or a session file). */
  reason: 'not-image' | 'empty' | 'no-class-folder' | 'file-not-kept';
}

export type TeachStatus = 'idle' | 'training' | 'done' | 'error';

/** A taught model kept in IndexedDB (src/persistence/model-versions.ts), as the Teach view lists it. */
export interface ModelVersionSummary {
  id: string;
  createdAt: string;
  name: string;
  version: string;
  classes: string[];
  /** 'candidate': trained, waiting for the user to accept or discard it. */
  state: 'candidate' | 'kept';
  heldOutMacroF1?: number;
  baseName: string;
}

export interface TeachSlice {
  teach: {
    gathered: GatheredFrame[];
    skipped: SkippedFile[];
    status: TeachStatus;
    progress?: TeachProgress;
    /** The split as the worker planned it (shown while training and after). */
    plan?: TeachPlanSummary;
    failed: FailedFrame[];
    /** The finished run (status 'done'), and the version it was kept as (absent: not stored, e.g. quota). */
    result?: Omit<TeachResult, 'files'>;
    candidateId?: string;
    error?: { code: TeachErrorCode | 'storage' | 'interrupted' | 'cancelled'; message: string };
    /** 'last-blocks': the backbone's last layers are fine-tuned too (minutes instead of seconds). */
    method: TeachMethod;
    /** What the last import brought in: the folder, frames added and their classes (0 added: nothing usable found). */
    lastImport?: { folder: string; added: number; classes: string[] };
  };
  /** Taught versions, newest first (which one is loaded: selectors.ts activeVersionId). */
  modelVersions: ModelVersionSummary[];
  addGathered: (frames: GatheredFrame[], skipped: SkippedFile[]) => void;
  removeGatheredClass: (className: string, source?: TeachFrameSource) => void;
  clearGathered: () => void;
  setTeach: (patch: Partial<TeachSlice['teach']>) => void;
  setModelVersions: (versions: ModelVersionSummary[]) => void;
}

export const teachInitial = {
  teach: { gathered: [], skipped: [], status: 'idle', failed: [], method: 'head-only' } as TeachSlice['teach'],
  modelVersions: [] as ModelVersionSummary[],
};

export const createTeachSlice: StateCreator<AppState, [], [], TeachSlice> = (set) => ({
  ...teachInitial,
  // The same frame (id) gathered twice replaces the first: importing a folder again does not double it.
  addGathered: (frames, skipped) =>
    set((s) => {
      const ids = new Set(frames.map((f) => f.id));
      return {
        teach: {
          ...s.teach,
          gathered: [...s.teach.gathered.filter((f) => !ids.has(f.id)), ...frames],
          skipped: [...s.teach.skipped, ...skipped],
        },
      };
    }),
  removeGatheredClass: (className, source) =>
    set((s) => ({
      teach: {
        ...s.teach,
        gathered: s.teach.gathered.filter((f) => f.className !== className || (source !== undefined && f.source !== source)),
      },
    })),
  clearGathered: () => set((s) => ({ teach: { ...s.teach, gathered: [], skipped: [], lastImport: undefined } })),
  setTeach: (patch) => set((s) => ({ teach: { ...s.teach, ...patch } })),
  setModelVersions: (versions) => set({ modelVersions: versions }),
});
