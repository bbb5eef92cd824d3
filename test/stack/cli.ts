// Runs the local stack until interrupted, for the demo and for poking at it by hand:
//   node out/test/stack/cli.js [--seed fixture] [--attacker] [--token-ttl <seconds>]
// Prints one line `STACK {json}` (issuer, ports, client ids, users, CA file) once everything is ready,
// and stops cleanly on SIGINT/SIGTERM.
import type { Stack, StackOptions } from './index';
import { summarizeStack } from '../editor/stackSummary';
import { startStack } from './index';

function parseArguments(argv: readonly string[]): StackOptions {
  const options: StackOptions = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--seed') {
      const seed = argv[++index];
      if (seed !== 'fixture' && seed !== 'none') throw new Error('--seed takes "fixture" or "none"');
      options.seed = seed;
    } else if (argument === '--attacker') {
      options.attacker = true;
    } else if (argument === '--token-ttl') {
      const seconds = Number(argv[++index]);
      if (!Number.isInteger(seconds) || seconds <= 0) throw new Error('--token-ttl takes a positive number of seconds');
      options.tokenTtlSeconds = seconds;
    } else {
      throw new Error(`unknown argument: ${argument}`);
    }
  }
  return options;
}

function summary(stack: Stack): Record<string, unknown> {
  return {
    ...summarizeStack(stack),
    smtpStartTls: stack.smtpStartTls,
    fixture: stack.fixture ? { total: stack.fixture.total, folders: stack.fixture.folders } : undefined,
  };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const started = Date.now();
  const stack = await startStack(options);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`stack: ${signal} received, stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stack: did not stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.error(`stack: ready in ${Date.now() - started} ms`);
  console.log(`STACK ${JSON.stringify(summary(stack))}`);
}

main().catch((error: unknown) => {
  console.error('stack: failed to start', error);
  process.exit(1);
});
