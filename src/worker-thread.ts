import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` (without extension) beside the module `from`
 * (its import.meta.url): the built `.js`, or, run from the TypeScript sources (tests, `tsx`),
 * the `.ts` after registering tsx's loader in the thread.
 */
export function startWorker(from: string, name: string, workerData?: unknown): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), { workerData });
  const url = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
