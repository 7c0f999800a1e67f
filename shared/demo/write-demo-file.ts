import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type GenerateOptions, generateWcoSyntheticLines } from './wco-synthetic.ts';

/** Writes a generated file with backpressure, reporting progress every `progressEvery` rows. */
export async function writeDemoFile(
  path: string,
  options: GenerateOptions,
  onProgress?: (rowsWritten: number) => void,
  progressEvery = 100_000,
): Promise<void> {
  const out = createWriteStream(path);
  const closed = once(out, 'close');
  let buffer: string[] = [];
  let row = -1; // the header is not a row
  for (const line of generateWcoSyntheticLines(options)) {
    buffer.push(line);
    row++;
    if (buffer.length >= 5000) {
      if (!out.write(`${buffer.join('\n')}\n`)) await once(out, 'drain');
      buffer = [];
    }
    if (row > 0 && row % progressEvery === 0) onProgress?.(row);
  }
  if (buffer.length) out.write(`${buffer.join('\n')}\n`);
  out.end();
  await closed;
}
