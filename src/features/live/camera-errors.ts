/** Why the camera is not showing, as the live view tells the user (texts in src/i18n/live.ts). */
export type CameraErrorCode = 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'ended' | 'failed';

/** getUserMedia's rejection (a DOMException by name) as one of the codes the user reads. */
export function cameraErrorCode(error: unknown): CameraErrorCode {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String(error.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-camera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}
