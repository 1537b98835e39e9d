// The command definitions as oclif sees them, loaded from the compiled commands and never
// from oclif.manifest.json: the source of the manifest (manifest.ts) and the man pages
// (man.ts). Build-time code: nothing in the CLI's start-up path imports src/dev.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, Plugin, type Command, type Interfaces } from '@oclif/core';

/** The package root (where package.json is), from dist/src/dev/. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The root plugin with its manifest computed from the compiled commands (as `oclif manifest` does). */
export async function freshPlugin(root = PACKAGE_ROOT): Promise<Plugin> {
  const plugin = new Plugin({ root, isRoot: true, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
  await plugin.load();
  return plugin;
}

/** A Config over the fresh root plugin (for help rendering and the command list). */
export async function freshConfig(root = PACKAGE_ROOT): Promise<Config> {
  const plugin = await freshPlugin(root);
  return Config.load({ root, plugins: new Map([[plugin.name, plugin]]) } as Interfaces.LoadOptions & object);
}

export type CachedCommand = Command.Cached;

/** Visible commands sorted by id; an alias (`topics ls`) is not a command of its own. */
export function visibleCommands(config: Config): CachedCommand[] {
  return config.commands
    .filter((c) => !c.hidden && !(c.aliases ?? []).map((a) => a.replace(/ /g, ':')).includes(c.id))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** `<%= config.bin %> topics` → `kt topics` (the only templates kt's examples use). */
export function renderTemplate(text: string, bin: string, id: string): string {
  return text
    .replace(/<%=\s*config\.bin\s*%>/g, bin)
    .replace(/<%=\s*command\.id\s*%>/g, id.replace(/:/g, ' '));
}

/** The examples of a command as command lines (oclif allows strings and {description, command}). */
export function exampleLines(cmd: CachedCommand, bin: string): Array<{ command: string; description?: string }> {
  const raw = (cmd.examples ?? []) as Array<string | { command: string; description: string }>;
  return raw.map((e) => (typeof e === 'string'
    ? { command: renderTemplate(e, bin, cmd.id) }
    : { command: renderTemplate(e.command, bin, cmd.id), description: renderTemplate(e.description, bin, cmd.id) }));
}
