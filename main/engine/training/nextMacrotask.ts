/**
 * Resolves in a new macrotask, so the host handles its messages (a cancel, a snapshot request)
 * between two training steps: setImmediate in Node; a MessageChannel in a browser Worker, which
 * has no setImmediate and whose setTimeout(0) is clamped to 4 ms once nested.
 */
export function nextMacrotask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    // Node's MessagePort types lack onmessage; the browser's has it.
    const channel = new MessageChannel() as unknown as { port1: { onmessage: () => void; close(): void }; port2: { postMessage(m: null): void } };
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
