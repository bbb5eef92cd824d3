// The mocha runner inside the editor's extension host: the workbench loads this module as
// `extensionTestsPath` and calls `run()`; a rejection makes the host exit 1, which reaches the
// browser page as `codeAutomationExit(1)` and so the exit code of test/editor/runIntegration.
// Settings reach the suites through the user settings the runner writes, everything else through the
// environment the extension host inherits (the local stack: readStackSummary() in test/editor/stackSummary.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';
import { reporterLinePrefix } from './reporterChannel';

/** Compiled suites next to this file: out/test/integration/**\/*.test.js */
function findSuites(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(directory, file))
    .sort();
}

const linePrefix = reporterLinePrefix();

function reportLine(...data: unknown[]): void {
  console.log(`${linePrefix}${util.format(...data)}`);
}

export async function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = reportLine;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.MAILROOM_TEST_MOCHA_TIMEOUT_MS ?? 60_000),
  });
  if (process.env.MAILROOM_TEST_GREP) {
    mocha.grep(process.env.MAILROOM_TEST_GREP);
  }
  for (const suite of findSuites(__dirname)) {
    mocha.addFile(suite);
  }
  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (error) {
    // A suite that throws while loading never reaches the reporter.
    reportLine('the integration suites could not run:', error);
    throw error;
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
