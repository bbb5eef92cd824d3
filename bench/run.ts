// `npm run bench`: runs the benchmarks and prints their tables (results also go to bench/results/).
import * as os from 'node:os';
import { runConversationsBenchmark } from './conversations';
import { runEditorBenchmark, writeEditorResults } from './editor';
import { runInboxBenchmark, writeInboxResults } from './inbox';
import { runWindowsBenchmark, writeWindowsResults } from './windows';
import { runSelectProbe } from './selectProbe';
import { runOpenFolderStage } from './openFolderStage';
import { runExamineProbe } from './examineProbe';
import { runSlowNetworkBenchmark, slowLink } from './slowNetwork';

async function main(): Promise<void> {
  // `npm run bench -- editor` runs only the real-editor benchmark (code-server with the packaged .vsix).
  if (process.argv.includes('editor')) {
    process.stdout.write(`${writeEditorResults(await runEditorBenchmark())}\n`);
    return;
  }
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
  // `npm run bench -- examine`: which of Mailroom's commands makes later EXAMINEs slow.
  if (process.argv.includes('examine')) {
    await runExamineProbe();
    return;
  }
  // `npm run bench -- openfolder`: the floor and Mailroom's folder opening alone, nothing written.
  if (process.argv.includes('openfolder')) {
    await runOpenFolderStage();
    return;
  }
  // `npm run bench -- slownet`: the slow-network stage alone, median of 5, nothing written to bench/results/.
  if (process.argv.includes('slownet')) {
    const results = await runSlowNetworkBenchmark(5);
    process.stdout.write(
      `${slowLink.roundTripMs} ms round trip, ${slowLink.bitsPerSecond / 1e6} Mbit/s; load ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(' / ')}\n`,
    );
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  // `npm run bench -- conversations` runs only the conversation mode's first screen against message mode's.
  if (process.argv.includes('conversations')) {
    process.stdout.write(`${await runConversationsBenchmark(100_000, 50, 7)}\n`);
    return;
  }
  // `npm run bench` prints every number issue 12 asks for in one run: the mail layer, several windows, and
  // the real editor; `npm run bench -- inbox` leaves out the editor (about half the time).
  const inbox = await runInboxBenchmark();
  process.stdout.write(`${writeInboxResults(inbox)}\n`);
  process.stdout.write(`\n${writeWindowsResults(await runWindowsBenchmark())}\n`);
  if (!process.argv.includes('inbox')) {
    process.stdout.write(`\n${writeEditorResults(await runEditorBenchmark())}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
