import { policyCommand } from './policy.js';

const USAGE = `usage: airlock <command>

commands:
  policy build|test|check   compile, test or check Rego policies`;

/** main dispatches `airlock <command> …` to the command's module. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'policy':
      return policyCommand(rest);
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
