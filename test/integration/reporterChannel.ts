// The extension host's console reaches the test runner mixed with the workbench's own log lines
// (connection, marketplace, service worker…). Mocha's reporter lines carry this prefix so the runner can
// print them and keep the rest in a log file.
export const MOCHA_LINE_PREFIX = '[mailroom-mocha] ';
