/**
 * Imported into every test process after tap's coverage recorder (`node-arg` in package.json "tap"):
 * the test process records coverage, the processes it spawns (`gazette` commands, servers, client
 * generators) do not. They run the sources through tsx, whose whitespace-minified output puts a whole
 * module on a few lines, so their counts said every file was fully covered; c8 merged them with the
 * ts-node counts of the test processes at offsets that do not match, under the source map of whichever
 * report it read last, and the table changed from run to run.
 */
process.env._TAPJS_PROCESSINFO_COVERAGE_ = '0';
