/**
 * The camera (or capture card) of the live view: the devices there are, starting and stopping one,
 * and why it is not showing. Tracks are stopped on Stop, on a device change and when the view
 * unmounts, so the camera light goes off as soon as the user leaves.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { cameraErrorCode, type CameraErrorCode } from './camera-errors.ts';

export type CameraStatus = 'off' | 'starting' | 'live' | 'error';

export interface CameraDevice {
  deviceId: string;
  /** Empty until the user has allowed a camera once (browsers hide labels before that). */
  label: string;
}

export interface CameraState {
  status: CameraStatus;
  stream?: MediaStream;
  error?: CameraErrorCode;
}

/**
 * The device's own picture, up to full HD: without a size Chromium delivers 640x480; with a size alone
 * it may crop to the asked aspect (a 5:4 scope's field of view cut to 16:9). `resizeMode: 'none'` (not
 * in TypeScript's DOM types yet) keeps to the formats the device itself offers, never cropped.
 */
function videoConstraints(deviceId: string | undefined): MediaTrackConstraints & { resizeMode?: 'none' | 'crop-and-scale' } {
  return {
    ...(deviceId && { deviceId: { exact: deviceId } }),
    width: { ideal: 1920 },
    height: { ideal: 1080 },
    resizeMode: 'none',
  };
}

function stopTracks(stream: MediaStream | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

export function useCamera(): {
  camera: CameraState;
  devices: CameraDevice[];
  start: (deviceId?: string) => Promise<void>;
  stop: () => void;
} {
  const [camera, setCamera] = useState<CameraState>({ status: 'off' });
  const [devices, setDevices] = useState<CameraDevice[]>([]);
  const streamRef = useRef<MediaStream | undefined>(undefined);
  // Each start or stop takes a new number: a getUserMedia answer that arrives after a newer call
  // (or after unmount) is stopped at once instead of shown.
  const generation = useRef(0);

  const refreshDevices = useCallback(async () => {
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const all = await md.enumerateDevices().catch(() => []);
    setDevices(all.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label })));
  }, []);

  const release = useCallback(() => {
    stopTracks(streamRef.current);
    streamRef.current = undefined;
  }, []);

  useEffect(() => {
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    const onChange = () => void refreshDevices();
    void refreshDevices();
    md?.addEventListener?.('devicechange', onChange);
    return () => {
      md?.removeEventListener?.('devicechange', onChange);
      generation.current++;
      release();
    };
  }, [refreshDevices, release]);

  const start = useCallback(
    async (deviceId?: string) => {
      const mine = ++generation.current;
      release();
      const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
      if (!md?.getUserMedia) {
        setCamera({ status: 'error', error: 'unsupported' });
        return;
      }
      setCamera({ status: 'starting' });
      let stream: MediaStream;
      try {
        stream = await md.getUserMedia({ audio: false, video: videoConstraints(deviceId) });
      } catch (e) {
        if (mine === generation.current) setCamera({ status: 'error', error: cameraErrorCode(e) });
        return;
      }
      if (mine !== generation.current) return stopTracks(stream);
      const [track] = stream.getVideoTracks();
      if (!track) {
        stopTracks(stream);
        setCamera({ status: 'error', error: 'no-camera' });
        return;
      }
      streamRef.current = stream;
      // Unplugged or switched off mid-stream: say so; what was saved stays in the session.
      track.addEventListener('ended', () => {
        if (streamRef.current !== stream) return;
        release();
        setCamera({ status: 'error', error: 'ended' });
      });
      setCamera({ status: 'live', stream });
      void refreshDevices(); // labels appear once the user has allowed a camera
    },
    [refreshDevices, release],
  );

  const stop = useCallback(() => {
    generation.current++;
    release();
    setCamera({ status: 'off' });
  }, [release]);

  return { camera, devices, start, stop };
}
