import { test, expect } from './fixtures.ts';
import { cmykJpeg, grayscaleJpeg, hugeJpeg, pngWithAlpha, syntheticFrame, textFile, truncatedJpeg, zeroByte } from './support/images.ts';

test('bad files get a message naming them while every other frame is classified', async ({ endoPage, page }) => {
  await endoPage.goto();
  const good = [await syntheticFrame('good-1.jpg', 21), await syntheticFrame('good-2.png', 22, { format: 'png' })];
  const handled = [
    await grayscaleJpeg('gray.jpg'),
    await cmykJpeg('cmyk.jpg'),
    await pngWithAlpha('alpha.png'),
    await hugeJpeg('huge-10000.jpg'),
  ];
  const bad = [zeroByte('empty.jpg'), textFile('notes.txt'), await truncatedJpeg('cut-short.jpg')];
  await endoPage.dropImages([...bad.slice(0, 2), ...good, ...handled, bad[2]]);

  await endoPage.waitForClassified(good.length + handled.length);
  await expect(endoPage.errorCards).toHaveCount(bad.length);
  await expect(endoPage.card('empty.jpg')).toContainText('“empty.jpg” is empty');
  await expect(endoPage.card('notes.txt')).toContainText('“notes.txt” is not a JPEG, PNG, WebP or BMP image');
  await expect(endoPage.card('cut-short.jpg')).toContainText('“cut-short.jpg” is cut short');
  await expect(endoPage.card('huge-10000.jpg')).toContainText(/downscaled/i);
  for (const f of [...good, ...handled]) await expect(endoPage.card(f.name)).toHaveAttribute('data-predicted-class', /.+/);
  await expect(page.getByText(/could not be read/)).toContainText('3');
});
