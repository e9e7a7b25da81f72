// @vitest-environment jsdom
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog.tsx';

describe('ConfirmDialog', () => {
  it('labels each dialog with its own title when two are in the page', () => {
    const props = { open: false, confirmLabel: 'Yes', cancelLabel: 'No', onConfirm: () => undefined, onCancel: () => undefined };
    const { container } = render(
      <>
        <ConfirmDialog {...props} title="Import this session?">
          a
        </ConfirmDialog>
        <ConfirmDialog {...props} title="Delete everything?">
          b
        </ConfirmDialog>
      </>,
    );
    const labels = [...container.querySelectorAll('dialog')].map(
      (d) => document.getElementById(d.getAttribute('aria-labelledby') ?? '')?.textContent,
    );
    expect(labels).toEqual(['Import this session?', 'Delete everything?']);
  });
});
