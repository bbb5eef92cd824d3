// The user settings an editor under test starts with: quiet defaults (no welcome page, telemetry, update
// checks or marketplace recommendations) under the run's own settings.
import * as fs from 'node:fs';
import * as path from 'node:path';

const QUIET_TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

/** Writes `<userDataDirectory>/User/settings.json`, where VS Code (desktop and code-server) reads user settings. */
export function writeUserSettings(userDataDirectory: string, settings: Record<string, unknown> = {}): void {
  const directory = path.join(userDataDirectory, 'User');
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, 'settings.json'), `${JSON.stringify({ ...QUIET_TEST_SETTINGS, ...settings }, null, 2)}\n`);
}
