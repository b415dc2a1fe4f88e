import t from 'tap';
import { contractOnPostgres } from '../support/postgres.js';

await contractOnPostgres(t, () => import('../fuzz.test.js'));
