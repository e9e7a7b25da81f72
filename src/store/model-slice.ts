import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import type { ModelInfo, ModelState } from './types.ts';

export interface ModelSlice {
  model: ModelState;
  modelInfos: Record<string, ModelInfo>;
  setModel: (model: ModelState) => void;
}

export const modelInitial = {
  model: { status: 'loading', source: 'embedded' } as ModelState,
  modelInfos: {} as Record<string, ModelInfo>,
};

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set) => ({
  ...modelInitial,
  setModel: (model) =>
    set((s) => {
      if (model.status !== 'ready' || !model.metadata || !model.modelKey) return { model };
      const info: ModelInfo = {
        modelKey: model.modelKey,
        name: model.metadata.name,
        version: model.metadata.version,
        classes: model.metadata.classes,
      };
      return { model, modelInfos: { ...s.modelInfos, [model.modelKey]: info } };
    }),
});
