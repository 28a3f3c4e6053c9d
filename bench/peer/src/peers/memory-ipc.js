/**
 * The child side of the harness's memory question: on {type: 'memory'} it collects garbage (the
 * child runs with --expose-gc) and answers with its resident memory and the heap still used.
 */
export function answerMemoryQuestions() {
  process.on('message', (message) => {
    if (message?.type !== 'memory') return;
    globalThis.gc();
    globalThis.gc();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ type: 'memory', rss, heap: heapUsed });
  });
}
