import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take 1.5–2.5 minutes each (the 3,000-reminder waves at Telegram's 30/s, the
 * browser walks, the scale-out processes). Vitest runs the longest files first only once it
 * has timed them, so on a fresh clone it started these last, by file size: the last wave ran
 * alone for two minutes (854 s in all, against 1,260 s of files on two workers).
 */
const slowFiles = [
  'tests/reminders/wave-killed.test.ts',
  'tests/web/chat-page.test.ts',
  'tests/reminders/wave-two-processes.test.ts',
  'tests/admin/admin-page.test.ts',
  'tests/reminders/wave-at-limit.test.ts',
  'tests/scale/scale-out.test.ts',
  'tests/admin/admin-command.test.ts',
];

/** Vitest's order, with the slow files above first, in the order given. */
export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = slowFiles.findIndex((slow) => file.moduleId.endsWith(slow));
      return index === -1 ? slowFiles.length : index;
    };
    return sorted
      .map((file, position) => ({ file, position }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.position - b.position)
      .map(({ file }) => file);
  }
}
