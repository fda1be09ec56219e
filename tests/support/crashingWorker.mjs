// A worker that dies the way a real one can (out of memory, a native crash): no message, just an exit.
process.on('message', () => process.exit(3));
