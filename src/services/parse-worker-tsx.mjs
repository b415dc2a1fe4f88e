// The parser worker when Gazette runs from its TypeScript sources (npm start, tests): a worker
// thread does not inherit the main thread's tsx loader, so it registers its own first.
import { register } from 'tsx/esm/api';

register();
const { default: parseInWorker } = await import('./parse-worker.ts');

export default parseInWorker;
