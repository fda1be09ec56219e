import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/api.ts';
import { ignoreClosedPipe } from './closedPipe.ts';
import { UsageError, type Command } from './command.ts';
import { runEvaluate } from './evaluateCommand.ts';
import { runExport } from './exportCommand.ts';
import { runImport } from './importCommand.ts';
import { runCheck } from './checkCommand.ts';
import { runInfo } from './infoCommand.ts';
import { runInit } from './initCommand.ts';
import { runMethods } from './methodsCommand.ts';
import { runPredict } from './predictCommand.ts';
import { runTrain } from './trainCommand.ts';

const commands: Record<string, Command> = {
  init: runInit,
  import: runImport,
  info: runInfo,
  check: runCheck,
  export: runExport,
  methods: runMethods,
  train: runTrain,
  predict: runPredict,
  evaluate: runEvaluate,
};

function help(): string {
  return ['usage: atrium <command> [options]', '', ...Object.values(commands).map((c) => `  atrium ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`atrium: unknown command "${name}"\n${help()}`);
    return 2;
  }
  try {
    const { positionals, values } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    await command.run(positionals, values);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`atrium ${name}: ${(err as Error).message}\nusage: atrium ${command.usage}`);
      return 2;
    }
    console.error(`atrium ${name}: ${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);
process.exitCode = await main(process.argv.slice(2));
