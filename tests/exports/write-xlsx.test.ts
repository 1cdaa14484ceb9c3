import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Cell, ExportTable } from '../../bot/exports/export-table.js';
import { OutputClosedError } from '../../bot/exports/wait-for-drain.js';
import { writeXlsx } from '../../bot/exports/write-xlsx.js';

/** Rows as fast as memory gives them: faster than the zip compresses. */
function fastTable(rows: number): ExportTable {
  async function* generate(): AsyncGenerator<readonly Cell[]> {
    for (let i = 0; i < rows; i += 1)
      yield [`participant ${i}`, 'Des bus plus tard le soir, '.repeat(4), i];
  }
  return { name: 'answers', columns: ['participant', 'text', 'n'], rows: generate() };
}

describe('the XLSX writer', () => {
  it('waits for the zip and stops when the reader goes away, instead of zipping everything', async () => {
    let received = 0;
    let rowsWritten = 0;
    const reader = new Writable({
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // A browser closing the download after its first megabyte.
        if (received > 1_000_000) this.destroy();
        else setTimeout(done, 1);
      },
    });
    const writing = writeXlsx(fastTable(400_000), reader, { onRow: () => (rowsWritten += 1) });
    await expect(writing).rejects.toBeInstanceOf(OutputClosedError);
    // It stopped near where the reader did, not after the 400,000 rows.
    expect(rowsWritten).toBeLessThan(200_000);
  }, 60_000);
});
