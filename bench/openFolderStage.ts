// `npm run bench -- openfolder`: the floor and Mailroom's folder opening alone (issue 12), median of 7
// per folder size, on the same seeded and settled folders as the full benchmark; nothing is written.
import * as os from 'node:os';
import { startStack } from '../test/stack';
import { benchFolderOf, benchFolderSizes, measureFloor, measureFloorConnect, settleFolders, signInAlice } from './floor';
import { measureOpenFolder } from './openFolder';
import { round } from './statistics';
import { describeSwitchSplit, measureFloorSplit } from './switchSplit';

const pageSize = 50;
const runs = 7;

export async function runOpenFolderStage(): Promise<void> {
  const stack = await startStack();
  try {
    for (const size of benchFolderSizes) {
      await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(size), size);
    }
    const { accounts, account, login } = await signInAlice(stack);
    const passes = await settleFolders(stack, login, benchFolderSizes, pageSize);
    const connectMs = await measureFloorConnect(stack, login, runs);
    const floor = await measureFloor(stack, login, benchFolderSizes, pageSize, runs);
    const condstoreFloor = await measureFloor(stack, login, benchFolderSizes, pageSize, runs, true);
    const floorSplit = await measureFloorSplit(stack, login, benchFolderSizes, pageSize, runs);
    const mailroom = await measureOpenFolder(stack, accounts, account, benchFolderSizes, pageSize, runs);
    // The same floors once Mailroom has used the folders (fetched dates, structures, previews).
    const floorAfter = await measureFloor(stack, login, benchFolderSizes, pageSize, runs);
    const condstoreFloorAfter = await measureFloor(stack, login, benchFolderSizes, pageSize, runs, true);
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ');
    process.stdout.write(`settled after ${passes} passes; floor.connectMs ${round(connectMs)}; load ${load}\n`);
    process.stdout.write(`Mailroom's commands on a new connection after authentication: ${mailroom[0]?.newConnectionCommands.join(' ') ?? ''}\n`);
    for (const [index, size] of benchFolderSizes.entries()) {
      const floorRuns = floor[index];
      const ours = mailroom[index];
      if (!floorRuns || !ours) {
        throw new Error('the floor and Mailroom were measured on different folders');
      }
      process.stdout.write(
        `${size}: floor.ms ${round(floorRuns.ms, 2)} (Dovecot ${round(floorRuns.serverMs, 1)}), condstoreMs ${round(condstoreFloor[index]?.ms ?? Number.NaN, 2)}; after Mailroom: floor.ms ${round(floorAfter[index]?.ms ?? Number.NaN, 2)}, condstoreMs ${round(condstoreFloorAfter[index]?.ms ?? Number.NaN, 2)} (Dovecot ${round(condstoreFloorAfter[index]?.serverMs ?? Number.NaN, 1)}); firstPaintMs ${round(ours.firstPaintMs, 2)}, ` +
          `switch ratio ${round(ours.firstPaintMs / floorRuns.ms, 2)}, bytes ratio ${round(ours.firstPaintBytes / floorRuns.bytes, 2)}, ` +
          `previewsMs ${round(ours.previewsMs)}, newConnectionMs ${round(ours.newConnectionMs)} (ratio ${round(ours.newConnectionMs / (connectMs + floorRuns.ms), 2)})\n`,
      );
      const floorSteps = floorSplit[index];
      if (floorSteps) {
        process.stdout.write(`${describeSwitchSplit(size, { mailroom: ours.switchSteps, floor: floorSteps, mailroomCpu: ours.switchCpu })}\n`);
      }
    }
  } finally {
    await stack.stop();
  }
}
