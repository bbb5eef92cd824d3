import * as vscode from 'vscode';

/** One `mailroom.*` setting (without the prefix) and its new value. */
export type SettingWrite = readonly [key: string, value: unknown];

/** Writes settings for the user, never a workspace's: Mailroom's settings are application-scoped. */
export async function writeUserSettings(writes: readonly SettingWrite[]): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('mailroom');
  for (const [key, value] of writes) {
    await configuration.update(key, value, vscode.ConfigurationTarget.Global);
  }
}
