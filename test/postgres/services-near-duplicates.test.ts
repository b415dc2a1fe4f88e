import t from 'tap';
import { contractOnPostgres } from '../support/postgres.js';

await contractOnPostgres(t, () => import('../services/near-duplicates.test.js'));
