import { agentCommand } from './agent.js';
import { caCommand } from './ca.js';
import { policyCommand } from './policy.js';
import { serveCommand } from './serve.js';

const USAGE = `usage: airlock <command>

commands:
  serve                     run the proxy agents point HTTPS_PROXY at
  ca export                 print Airlock's CA certificate, which agents must trust
  agent add|list|rotate...  register agents and manage the access keys Airlock issues them
  policy build|test|check   compile, test or check Rego policies`;

/** main dispatches `airlock <command> …` to the command's module. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'ca':
      return caCommand(rest);
    case 'agent':
      return agentCommand(rest);
    case 'policy':
      return policyCommand(rest);
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
