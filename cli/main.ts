import { parseArgs } from 'node:util';
import { type Command, UsageError, UserError } from './command.ts';
import { commands } from './commands/index.ts';

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  // Longest match wins, so "forecast evaluate" beats "forecast".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export function usageText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  bacuda ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: bacuda <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "bacuda <command> --help" for its options.',
  ].join('\n');
}

function commandUsage(c: Command): string {
  const opts = Object.entries(c.options).map(
    ([name, o]) => `  --${name}${o.type === 'string' ? ' <value>' : ''}`,
  );
  return [
    `Usage: bacuda ${c.name} ${c.usage}`,
    '',
    c.summary,
    ...(opts.length ? ['', 'Options:', ...opts] : []),
  ].join('\n');
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(
  argv: string[],
  io: { out: (s: string) => void; log: (s: string) => void; signal?: AbortSignal } = {
    out: (s) => process.stdout.write(`${s}\n`),
    log: (s) => process.stderr.write(`${s}\n`),
  },
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    (argv.length === 0 ? io.log : io.out)(usageText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.log(`bacuda: unknown command "${argv.join(' ')}"\n\n${usageText()}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandUsage(command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    const code = await command.run({
      values: values as Record<string, string | boolean | undefined>,
      positionals,
      out: io.out,
      log: io.log,
      signal: io.signal ?? new AbortController().signal,
    });
    return code ?? 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.log(`bacuda ${command.name}: ${e.message}\n\n${commandUsage(command)}`);
      return 2;
    }
    if (err instanceof UserError) {
      io.log(`bacuda ${command.name}: ${e.message}`);
      return 1;
    }
    io.log(`bacuda ${command.name}: unexpected error: ${e.message}`);
    if (process.env.BACUDA_DEBUG) io.log(String(e.stack));
    return 1;
  }
}
