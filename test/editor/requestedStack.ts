// Starts the local stack when a run asks for it: MAILROOM_STACK=1 (default options) or
// MAILROOM_STACK='{"attacker":true,"seed":"fixture"}' (StackOptions as JSON). Loaded lazily so the
// editor harness works on machines and in runs that never start Dovecot.
import type { Stack, StackOptions } from '../stack';

export const STACK_REQUEST_VARIABLE = 'MAILROOM_STACK';

export function requestedStackOptions(environment: NodeJS.ProcessEnv = process.env): StackOptions | undefined {
  const value = environment[STACK_REQUEST_VARIABLE]?.trim();
  if (!value || value === '0' || value === 'false') {
    return undefined;
  }
  if (value === '1' || value === 'true') {
    return {};
  }
  try {
    return JSON.parse(value) as StackOptions;
  } catch {
    throw new Error(`${STACK_REQUEST_VARIABLE} must be 1 or the stack options as JSON, not ${JSON.stringify(value)}`);
  }
}

export async function startStackWith(options: StackOptions): Promise<Stack> {
  const { startStack } = await import('../stack/index.js');
  return startStack(options);
}
