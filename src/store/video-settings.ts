import { DEFAULT_SEGMENT_PARAMS } from '../domain/video-segments.ts';
import { DEFAULT_SAMPLE_FPS, type Settings, type VideoSettings } from './types.ts';

/** The video settings in force: the user's, else the defaults. */
export function videoSettings(settings: Pick<Settings, 'video'>): VideoSettings {
  return settings.video ?? { sampleFps: DEFAULT_SAMPLE_FPS, segments: { ...DEFAULT_SEGMENT_PARAMS } };
}
