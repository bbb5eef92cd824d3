import type { presetMailHostsWithTestEndpoints as testBuildMailHosts, presetWithTestEndpoints as testBuildPreset } from './testPresetEndpoints';

/**
 * What the extension bundle gets in place of testPresetEndpoints.ts (esbuild.js): no test can move a preset,
 * so the Gmail and Microsoft presets always reach Google's and Microsoft's own hosts [SEC-12]. The types tie
 * each answer to the function it stands in for.
 */
export const presetWithTestEndpoints: typeof testBuildPreset = (config) => config;
export const presetMailHostsWithTestEndpoints: typeof testBuildMailHosts = (_kind, presetHosts) => presetHosts;
