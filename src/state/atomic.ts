/**
 * Atomic file writes: write a temp file in the same folder, fsync it, rename it over the target, fsync the
 * folder. A kill at any instant leaves either the old or the new content, never a torn file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** `data`: the content, or its text in chunks (written as they come: a large file is never held whole). */
export function writeFileAtomic(path: string, data: string | Buffer | Iterable<string>, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    for (const part of typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data) {
      // A string is written as it is (node encodes it into a scratch buffer freed at once, not a GC'd Buffer
      // left for the next collection); only what a short write left over goes through a Buffer.
      let buf: Buffer;
      let off = 0;
      if (typeof part === 'string') {
        const written = writeSync(fd, part, null, 'utf8');
        if (written >= Buffer.byteLength(part, 'utf8')) continue;
        buf = Buffer.from(part, 'utf8');
        off = written;
      } else buf = part;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
