import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of package.json the manifest tests read. */
export interface SettingSchema {
  type?: string | string[];
  scope?: string;
  default?: unknown;
  enum?: unknown[];
  enumDescriptions?: string[];
  anyOf?: SettingSchema[];
  pattern?: string;
  order?: number;
  description?: string;
  markdownDescription?: string;
}

export interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

export interface Keybinding {
  command: string;
  key: string;
  mac?: string;
  when?: string;
  args?: unknown;
}

export interface ConfigurationGroup {
  title?: string;
  order?: number;
  properties: Record<string, SettingSchema>;
}

export interface Manifest {
  version: string;
  categories?: string[];
  keywords?: string[];
  bugs?: { url?: string } | string;
  homepage?: string;
  capabilities?: { untrustedWorkspaces?: { supported?: boolean | string }; virtualWorkspaces?: boolean | { supported?: boolean } };
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, MenuEntry[] | undefined>;
    keybindings?: Keybinding[];
    configuration: ConfigurationGroup | ConfigurationGroup[];
  };
}

export const repositoryRoot = path.join(__dirname, '..', '..', '..', '..');

/** package.json as the editor shows it in English: each `%key%` replaced by its words in package.nls.json. */
export function readManifest(): Manifest {
  const words = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
  return JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8'), (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(/^%([^%]+)%$/, (placeholder, key: string) => words[key] ?? placeholder) : value,
  ) as Manifest;
}

/** The configuration's groups, whether it is one object or an array of titled groups. */
export function configurationGroups(manifest: Manifest): ConfigurationGroup[] {
  const { configuration } = manifest.contributes;
  return Array.isArray(configuration) ? configuration : [configuration];
}

/** Every `mailroom.*` setting with its schema, whichever group declares it. */
export function settingsOf(manifest: Manifest): [string, SettingSchema][] {
  return configurationGroups(manifest).flatMap((group) => Object.entries(group.properties));
}
