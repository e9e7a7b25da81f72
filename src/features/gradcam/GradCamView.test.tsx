// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GradCamView } from './GradCamView.tsx';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
afterEach(cleanup);

// jsdom has no 2-D canvas: record what the component draws instead.
const drawn: { width: number; height: number; data: Uint8ClampedArray }[] = [];
beforeAll(() => {
  if (typeof globalThis.ImageData === 'undefined') {
    class FakeImageData {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    }
    vi.stubGlobal('ImageData', FakeImageData);
  }
  const ctx = { putImageData: (img: { width: number; height: number; data: Uint8ClampedArray }) => drawn.push(img) };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => ctx) as unknown as HTMLCanvasElement['getContext']);
});

const classes = [
  { name: '0_normal', label: 'Normal mucosa' },
  { name: '2_polyps', label: 'Polyp' },
];
const map = { heatmap: [1, 0, 0, 0], width: 2, height: 2 };

describe('GradCamView', () => {
  it('labels every control and marks the predicted class', () => {
    render(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={map}
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="2_polyps"
        onSelectClass={() => {}}
      />,
    );
    expect(screen.getByRole('checkbox', { name: 'Show heatmap' })).toHaveProperty('checked', true);
    expect(screen.getByRole('slider', { name: 'Heatmap opacity' })).toHaveProperty('value', '50');
    const select = screen.getByRole('combobox', { name: 'Heatmap for class' });
    expect(select).toHaveProperty('value', '2_polyps');
    expect(screen.getByRole('option', { name: 'Polyp (predicted)' })).toBeTruthy();
    expect(screen.getByRole('img', { name: /heatmap for Polyp/ })).toBeTruthy();
  });

  it('draws the coloured map on the canvas, strongest in the corner where the map peaks', () => {
    drawn.length = 0;
    render(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={map}
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="2_polyps"
        onSelectClass={() => {}}
        maxSide={4}
      />,
    );
    const img = drawn.at(-1);
    expect(img).toBeDefined();
    expect([img?.width, img?.height]).toEqual([2, 2]);
    const alphaTopLeft = img?.data[3] ?? 0;
    const alphaBottomRight = img?.data[15] ?? 255;
    expect(alphaTopLeft).toBe(255);
    expect(alphaBottomRight).toBe(0);
  });

  it('applies the opacity to the overlay and hides it with the toggle', () => {
    const onOpacity = vi.fn();
    render(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={map}
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="2_polyps"
        onSelectClass={() => {}}
        onOpacityChange={onOpacity}
      />,
    );
    const overlay = screen.getByTestId('gradcam-overlay');
    fireEvent.change(screen.getByRole('slider', { name: 'Heatmap opacity' }), { target: { value: '80' } });
    expect(onOpacity).toHaveBeenCalledWith(0.8);
    expect(overlay.style.opacity).toBe('0.8');
    expect(overlay.style.display).toBe('block');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show heatmap' }));
    expect(overlay.style.display).toBe('none');
    expect(screen.getByRole('slider', { name: 'Heatmap opacity' })).toHaveProperty('disabled', true);
  });

  it('asks for another class on demand and reports progress and errors', () => {
    const onSelect = vi.fn();
    const { rerender } = render(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={null}
        status="computing"
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="2_polyps"
        onSelectClass={onSelect}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('Computing heatmap…');
    expect(screen.getByTestId('gradcam-overlay').style.display).toBe('none');
    fireEvent.change(screen.getByRole('combobox', { name: 'Heatmap for class' }), { target: { value: '0_normal' } });
    expect(onSelect).toHaveBeenCalledWith('0_normal');
    rerender(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={null}
        status="error"
        error="out of memory"
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="0_normal"
        onSelectClass={onSelect}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('out of memory');
  });

  it('speaks Spanish', async () => {
    await i18next.changeLanguage('es');
    render(
      <GradCamView
        imageUrl="data:,"
        fileName="a.jpg"
        map={map}
        classes={classes}
        predictedClass="2_polyps"
        selectedClass="2_polyps"
        onSelectClass={() => {}}
      />,
    );
    expect(screen.getByRole('checkbox', { name: 'Mostrar mapa de calor' })).toBeTruthy();
    await i18next.changeLanguage('en');
  });
});
