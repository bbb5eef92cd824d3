// `npm run bench`: runs the benchmarks and prints their tables (results also go to bench/results/).
import { runInboxBenchmark, writeInboxResults } from './inbox';

async function main(): Promise<void> {
  const inbox = await runInboxBenchmark();
  process.stdout.write(`${writeInboxResults(inbox)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
