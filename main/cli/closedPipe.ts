/**
 * Lets the CLI go on quietly when the reader of its output goes away (`atrium methods | head -1`):
 * a closed pipe is the reader's choice, not a failure, so it gets no stack trace. Later writes
 * to that stream are dropped; the command runs to its end and exits with its own code, so work
 * under way (an export, a training) is not cut short by whoever reads its output.
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
