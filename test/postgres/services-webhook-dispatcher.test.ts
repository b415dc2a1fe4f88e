import t from 'tap';
import { contractOnPostgres } from '../support/postgres.js';

await contractOnPostgres(t, () => import('../services/webhook-dispatcher.test.js'));
