import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import type { Settings, ViewState } from './types.ts';

export interface SettingsSlice {
  settings: Settings;
  view: ViewState;
  updateSettings: (patch: Partial<Settings>) => void;
  updateView: (patch: Partial<ViewState>) => void;
}

export const settingsInitial = {
  settings: { language: null, lowConfidenceThreshold: null, confidentThreshold: null, backend: 'auto' } as Settings,
  view: {
    sort: 'added',
    classFilter: 'all',
    minConfidence: 0,
    maxConfidence: 1,
    onlyLowConfidence: false,
    reviewFilter: 'all',
  } as ViewState,
};

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  ...settingsInitial,
  updateSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  updateView: (patch) => set((s) => ({ view: { ...s.view, ...patch } })),
});
