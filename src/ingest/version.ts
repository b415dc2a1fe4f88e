/** Bumped whenever a rule change can change the output for the same input. */
export const PARSER_VERSION = '1.4.0';
