// The entry of an extraction worker thread: each thread has its own parser (web-tree-sitter's runtime is per
// thread) and sends module pictures back by structured clone, which keeps their Maps, Sets and cyclic scope links.
import { parentPort, workerData } from 'node:worker_threads';
import { pythonParser } from './parser.js';
import { type ExtractReply, type ExtractRequest, WORKER_MARKER, extractFile } from './workers.js';

const port = parentPort;
if (port && workerData === WORKER_MARKER) {
  const parser = pythonParser();
  port.on('message', (request: ExtractRequest) => {
    void parser.then(
      (p) => {
        const reply: ExtractReply = {
          first: request.first,
          results: request.files.map((f) => extractFile(p, f.path, f.text)),
        };
        port.postMessage(reply);
      },
      (err: unknown) => {
        const error = `the Python parser did not load (${err instanceof Error ? err.message : String(err)})`;
        const reply: ExtractReply = { first: request.first, results: request.files.map(() => ({ error })) };
        port.postMessage(reply);
      },
    );
  });
}
