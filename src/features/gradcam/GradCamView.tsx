/**
 * A frame with its Grad-CAM heatmap drawn over it on a canvas, an opacity slider, a show/hide toggle
 * and a class selector ("any other class on demand"). Computing the map is the caller's job (lazily,
 * after the batch, see src/inference/gradcam.ts): this component only draws what it is given.
 */
import { useEffect, useId, useRef, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { fitWithin, heatmapToRgba, turbo, type Heatmap } from './heatmap-image.ts';

export interface GradCamClassOption {
  /** Class name as in metadata (e.g. `2_polyps`). */
  name: string;
  /** What the clinician reads, in the current language. */
  label: string;
}

export type GradCamStatus = 'idle' | 'computing' | 'ready' | 'error';

export interface GradCamViewProps {
  imageUrl: string;
  fileName: string;
  /** The map for `selectedClass`, or null while none is ready. */
  map: Heatmap | null;
  classes: GradCamClassOption[];
  predictedClass: string;
  selectedClass: string;
  onSelectClass: (className: string) => void;
  status?: GradCamStatus;
  error?: string;
  /** Controlled opacity 0..1 (uncontrolled when omitted; default 0.5). */
  opacity?: number;
  onOpacityChange?: (opacity: number) => void;
  /** Controlled visibility (uncontrolled when omitted; default shown). */
  visible?: boolean;
  onVisibleChange?: (visible: boolean) => void;
  /** Longest side of the drawn overlay in pixels; more only costs time. */
  maxSide?: number;
}

const LEGEND_STOPS = [0, 0.25, 0.5, 0.75, 1].map((v) => `rgb(${turbo(v).join(',')}) ${v * 100}%`).join(', ');

export function GradCamView(props: GradCamViewProps) {
  const { t } = useTranslation();
  const id = useId();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [ownOpacity, setOwnOpacity] = useState(0.5);
  const [ownVisible, setOwnVisible] = useState(true);
  const opacity = props.opacity ?? ownOpacity;
  const visible = props.visible ?? ownVisible;
  const { map, maxSide = 448 } = props;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !map) return;
    const size = fitWithin(natural?.width ?? map.width, natural?.height ?? map.height, maxSide);
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return; // no 2-D canvas (e.g. jsdom): nothing to draw, controls still work
    const rgba = heatmapToRgba(map, size.width, size.height, { opacity: 1 });
    ctx.putImageData(new ImageData(rgba, size.width, size.height), 0, 0);
  }, [map, natural, maxSide]);

  const setOpacity = (v: number) => {
    setOwnOpacity(v);
    props.onOpacityChange?.(v);
  };
  const setVisible = (v: boolean) => {
    setOwnVisible(v);
    props.onVisibleChange?.(v);
  };
  const selectedLabel = props.classes.find((c) => c.name === props.selectedClass)?.label ?? props.selectedClass;
  const overlayStyle: CSSProperties = {
    position: 'absolute',
    inset: 0,
    width: '100%',
    height: '100%',
    opacity,
    display: visible && map ? 'block' : 'none',
    pointerEvents: 'none',
  };

  return (
    <figure className="gradcam" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="gradcam__title">
        {t('gradcam.title')}
      </figcaption>
      <div className="gradcam__stage" style={{ position: 'relative', display: 'inline-block', maxWidth: '100%' }}>
        <img
          src={props.imageUrl}
          alt={t('gradcam.imageAlt', { fileName: props.fileName })}
          style={{ display: 'block', maxWidth: '100%' }}
          onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth || 1, height: e.currentTarget.naturalHeight || 1 })}
        />
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={t('gradcam.overlayAlt', { className: selectedLabel })}
          data-testid="gradcam-overlay"
          data-class={props.selectedClass}
          aria-hidden={!visible || !map}
          style={overlayStyle}
        />
      </div>

      {props.status === 'computing' && (
        <p role="status" className="gradcam__status">
          {t('gradcam.computing')}
        </p>
      )}
      {props.status === 'error' && (
        <p role="alert" className="gradcam__error">
          {t('gradcam.failed', { message: props.error ?? '' })}
        </p>
      )}

      <div className="gradcam__controls">
        <label>
          <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.currentTarget.checked)} /> {t('gradcam.show')}
        </label>
        <label htmlFor={`${id}-opacity`}>{t('gradcam.opacity')}</label>
        <input
          id={`${id}-opacity`}
          type="range"
          min={0}
          max={100}
          step={5}
          value={Math.round(opacity * 100)}
          aria-valuetext={`${Math.round(opacity * 100)}%`}
          disabled={!visible}
          onChange={(e) => setOpacity(Number(e.currentTarget.value) / 100)}
        />
        <label htmlFor={`${id}-class`}>{t('gradcam.classLabel')}</label>
        <select id={`${id}-class`} value={props.selectedClass} onChange={(e) => props.onSelectClass(e.currentTarget.value)}>
          {props.classes.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name === props.predictedClass ? `${c.label} ${t('gradcam.predictedSuffix')}` : c.label}
            </option>
          ))}
        </select>
      </div>

      <div className="gradcam__legend" aria-hidden="true">
        <span>{t('gradcam.legendLow')}</span>
        <span
          style={{
            display: 'inline-block',
            width: '8em',
            height: '0.8em',
            margin: '0 0.5em',
            background: `linear-gradient(to right, ${LEGEND_STOPS})`,
          }}
        />
        <span>{t('gradcam.legendHigh')}</span>
      </div>
      <p className="gradcam__caveat">{t('gradcam.caveat')}</p>
    </figure>
  );
}
