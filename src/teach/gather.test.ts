import { describe, expect, it } from 'vitest';
import { classFolderOf, matchClassName, sortIntoClasses } from './gather.ts';

const known = [
  { name: '0_normal', display: { en: 'Normal mucosa', es: 'Mucosa normal' } },
  { name: '2_polyps', display: { en: 'Polyp', es: 'Pólipo' } },
];
const file = (name: string, bytes = 3, type = 'image/jpeg') => new File([new Uint8Array(bytes)], name, { type });

describe('gather', () => {
  it('takes the class from the folder a frame sits in', () => {
    expect(classFolderOf('train/2_polyps/a.jpg')).toBe('2_polyps');
    expect(classFolderOf('esophagitis/a.jpg')).toBe('esophagitis');
    expect(classFolderOf('a.jpg')).toBeUndefined();
  });

  it('maps display names and unprefixed names to the known class, and keeps new names', () => {
    expect(matchClassName('Pólipo', known)).toBe('2_polyps');
    expect(matchClassName('polyps', known)).toBe('2_polyps');
    expect(matchClassName('normal mucosa', known)).toBe('0_normal');
    expect(matchClassName('normal', known)).toBe('0_normal');
    expect(matchClassName('normal esophagus', known)).toBe('normal esophagus');
    expect(matchClassName('Esophagitis', known)).toBe('Esophagitis');
  });

  it('skips what is not a frame with a reason, and hidden files silently', () => {
    const { sorted, skipped } = sortIntoClasses(
      [
        { file: file('a.jpg'), path: 'root/polyps/a.jpg' },
        { file: file('b.PNG', 3, ''), path: 'root/new_finding/b.PNG' },
        { file: file('notes.txt', 3, 'text/plain'), path: 'root/polyps/notes.txt' },
        { file: file('c.jpg', 0), path: 'root/polyps/c.jpg' },
        { file: file('d.jpg'), path: 'd.jpg' },
        { file: file('.DS_Store', 3, ''), path: 'root/.DS_Store' },
      ],
      known,
    );
    expect(sorted.map((s) => [s.path, s.className])).toEqual([
      ['root/polyps/a.jpg', '2_polyps'],
      ['root/new_finding/b.PNG', 'new_finding'],
    ]);
    expect(skipped).toEqual([
      { name: 'root/polyps/notes.txt', reason: 'not-image' },
      { name: 'root/polyps/c.jpg', reason: 'empty' },
      { name: 'd.jpg', reason: 'no-class-folder' },
    ]);
  });
});
