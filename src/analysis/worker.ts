// The entry of a parsing worker thread: each thread has its own parser (web-tree-sitter's runtime is per thread)
// and hands back each file's flattened tree, whose buffer is transferred, not copied; the calling thread extracts
// the module pictures. The first reply carries the grammar's node names, so that the calling thread reads the
// trees without loading a parser of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { nodeNames, pythonParser } from './parser.js';
import { type ParseReply, type ParseRequest, WORKER_MARKER, parseFile } from './workers.js';

const port = parentPort;
if (port && workerData === WORKER_MARKER) {
  const parser = pythonParser();
  let namesSent = false;
  port.on('message', (request: ParseRequest) => {
    void parser.then(
      (p) => {
        const reply: ParseReply = {
          first: request.first,
          results: request.files.map((f) => parseFile(p, f.text)),
        };
        if (!namesSent) {
          reply.names = nodeNames();
          namesSent = true;
        }
        const buffers = reply.results.flatMap((r) =>
          'flat' in r ? [r.flat.data.buffer as ArrayBuffer] : [],
        );
        port.postMessage(reply, buffers);
      },
      (err: unknown) => {
        const error = `the Python parser did not load (${err instanceof Error ? err.message : String(err)})`;
        const reply: ParseReply = { first: request.first, results: request.files.map(() => ({ error })) };
        port.postMessage(reply);
      },
    );
  });
}
