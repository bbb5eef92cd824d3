// In code-server the extension host's console reaches the test runner mixed with the workbench's own
// log lines (connection, marketplace, service worker…). There the runner asks for mocha's reporter
// lines to carry a prefix, so it can print them and keep the rest in a log file. Desktop VS Code prints
// the extension host's output as is, so no prefix there.
export const REPORT_CHANNEL_VARIABLE = 'MAILROOM_TEST_REPORT_CHANNEL';
export const WORKBENCH_CONSOLE_CHANNEL = 'workbench-console';
export const MOCHA_LINE_PREFIX = '[mailroom-mocha] ';

export function reporterLinePrefix(environment: NodeJS.ProcessEnv = process.env): string {
  return environment[REPORT_CHANNEL_VARIABLE] === WORKBENCH_CONSOLE_CHANNEL ? MOCHA_LINE_PREFIX : '';
}
