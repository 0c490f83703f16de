import { agentCommand } from './agent.js';
import { approvalsCommand } from './approvals.js';
import { approverCommand } from './approver.js';
import { auditCommand } from './audit.js';
import { caCommand } from './ca.js';
import { envCommand } from './env.js';
import { policyCommand } from './policy.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';

const USAGE = `usage: airlock <command>

commands:
  serve                     run the proxy agents point HTTPS_PROXY at
  status                    check the policy, the server, agents, pending approvals and upstreams
  env AGENT                 print the shell lines an agent needs: HTTPS_PROXY, its key, the CA files
  ca export                 print Airlock's CA certificate, which agents must trust
  agent add|list|revoke...  register agents and manage the access keys Airlock issues them
  policy build|test|check   compile, test or check Rego policies
  approver add|revoke       issue and revoke approvers' API tokens
  approvals list|show|approve|deny
                            see held calls and vote on them (token in $AIRLOCK_TOKEN)
  audit verify|export       check the audit log's chain, or write it out as JSON lines

'airlock <command> --help' describes a command; docs/cli.md has an example of each`;

/** main dispatches `airlock <command> …` to the command's module. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'env':
      return envCommand(rest);
    case 'ca':
      return caCommand(rest);
    case 'agent':
      return agentCommand(rest);
    case 'policy':
      return policyCommand(rest);
    case 'approver':
      return approverCommand(rest);
    case 'approvals':
      return approvalsCommand(rest);
    case 'audit':
      return auditCommand(rest);
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
