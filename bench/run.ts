// `npm run bench`: runs the benchmarks and prints their tables (results also go to bench/results/).
import { runInboxBenchmark, writeInboxResults } from './inbox';
import { runWindowsBenchmark, writeWindowsResults } from './windows';
import { runSelectProbe } from './selectProbe';

async function main(): Promise<void> {
  // `npm run bench -- windows` runs only the several-windows benchmark.
  if (process.argv.includes('windows')) {
    process.stdout.write(`${writeWindowsResults(await runWindowsBenchmark())}\n`);
    return;
  }
  // `npm run bench -- select`: Dovecot's time per command for the ways of opening the 100k folder.
  if (process.argv.includes('select')) {
    await runSelectProbe();
    return;
  }
  const inbox = await runInboxBenchmark();
  process.stdout.write(`${writeInboxResults(inbox)}\n`);
  process.stdout.write(`\n${writeWindowsResults(await runWindowsBenchmark())}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
