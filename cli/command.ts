import type { ParseArgsConfig } from 'node:util';

/** Options as node:util parseArgs describes them; every command declares its own. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  values: ParsedValues;
  positionals: string[];
  /** Machine-readable output (JSON lines, tables). Scripts read this. */
  out: (line: string) => void;
  /** Progress and human messages. Never mixed into stdout. */
  log: (line: string) => void;
  /** Aborted on Ctrl-C, so long-running commands can stop cleanly. */
  signal: AbortSignal;
}

export interface Command {
  /** Words that select the command, e.g. "fraud evaluate". */
  name: string;
  summary: string;
  /** One-line synopsis after the command name, e.g. "--rows N --seed S --out FILE". */
  usage: string;
  options: CommandOptions;
  allowPositionals?: boolean;
  /** Resolves to the process exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | undefined>;
}

/** Bad invocation: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A problem with the user's input or environment: printed as one clear line, exit code 1. */
export class UserError extends Error {}

export function stringOpt(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}

export function requireString(values: ParsedValues, name: string): string {
  const v = stringOpt(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function intOpt(values: ParsedValues, name: string, fallback: number, min = 0): number {
  const raw = stringOpt(values, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return n;
}

/** Comma-separated list option, e.g. --train a.csv,b.csv */
export function listOpt(values: ParsedValues, name: string): string[] {
  const raw = stringOpt(values, name);
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
