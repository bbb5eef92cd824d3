// What every editor-based test run prepares the same way: the local stack when asked for (by
// MAILROOM_STACK in the runners, by the test in end-to-end suites), the user settings (the stack's, then MAILROOM_TEST_SETTINGS as JSON) and the environment the
// editor and its extension host get (the stack summary and trust in the test CA).
import type { Stack, StackOptions } from '../stack';
import { startStackWith } from './requestedStack';
import { stackEnvironment, stackSettings, summarizeStack } from './stackSummary';

export interface EditorTestContext {
  readonly stack: Stack | undefined;
  readonly settings: Record<string, unknown>;
  readonly env: Record<string, string>;
  /** Stops the stack, if one was started. */
  stop(): Promise<void>;
}

function settingsFromEnvironment(): Record<string, unknown> {
  const value = process.env.MAILROOM_TEST_SETTINGS;
  if (!value) {
    return {};
  }
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new Error(`MAILROOM_TEST_SETTINGS must be a JSON object of settings, not ${JSON.stringify(value)}`);
  }
}

export async function prepareEditorTestContext(
  stackOptions: StackOptions | undefined,
  log: (line: string) => void = () => undefined,
): Promise<EditorTestContext> {
  if (!stackOptions) {
    return { stack: undefined, settings: settingsFromEnvironment(), env: {}, stop: async () => undefined };
  }
  const stack = await startStackWith(stackOptions);
  const summary = summarizeStack(stack);
  log(`stack up: issuer ${summary.issuer}, IMAP ${summary.imap.port}, SMTP ${summary.smtp.port}`);
  return {
    stack,
    settings: { ...stackSettings(summary), ...settingsFromEnvironment() },
    env: stackEnvironment(summary),
    stop: () => stack.stop(),
  };
}
