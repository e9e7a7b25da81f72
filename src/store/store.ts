/** The app's one store, built from slices (zustand's slices pattern). Plain data only. */
import { create } from 'zustand';
import { createFramesSlice, framesInitial, type FramesSlice } from './frames-slice.ts';
import { createModelSlice, modelInitial, type ModelSlice } from './model-slice.ts';
import { createProgressSlice, progressInitial, type ProgressSlice } from './progress-slice.ts';
import { createSettingsSlice, settingsInitial, type SettingsSlice } from './settings-slice.ts';
import { createTeachSlice, teachInitial, type TeachSlice } from './teach-slice.ts';
import { createStorageSlice, storageInitial, type StorageSlice } from './storage-slice.ts';
import { createVideosSlice, videosInitial, type VideosSlice } from './videos-slice.ts';

export type AppState = FramesSlice &
  ModelSlice &
  ProgressSlice &
  SettingsSlice &
  StorageSlice &
  TeachSlice &
  VideosSlice & { reset: () => void };

export const initialState = {
  ...framesInitial,
  ...modelInitial,
  ...progressInitial,
  ...settingsInitial,
  ...storageInitial,
  ...teachInitial,
  ...videosInitial,
};

export const useAppStore = create<AppState>()((...a) => ({
  ...createFramesSlice(...a),
  ...createModelSlice(...a),
  ...createProgressSlice(...a),
  ...createSettingsSlice(...a),
  ...createStorageSlice(...a),
  ...createTeachSlice(...a),
  ...createVideosSlice(...a),
  reset: () => a[0]({ ...initialState }),
}));
