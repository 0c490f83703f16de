/*
 * A 2,000-line policy for bench:policy's compile figure, written the way a platform team grows Airlock's default
 * policy: one package per team, each with its own action sets, deny and hold rules with messages, functions with
 * `else`, comprehensions and `every`, all feeding one `decision`. Generated, so the size is exact and the text is
 * the same on every run.
 */

const SERVICES = ['iam', 's3', 'ec2', 'kms', 'dynamodb', 'lambda', 'eks', 'rds', 'ssm', 'ecr', 'ecs', 'sqs'];
const VERBS = ['Create', 'Delete', 'Put', 'Update', 'Attach', 'Detach', 'Tag', 'Modify'];

/** largePolicy returns Rego modules (file name → source) totalling at least `lines` lines. */
export function largePolicy(lines = 2000): Record<string, string> {
  const modules: Record<string, string> = {};
  let total = 0;
  for (let team = 0; total < lines - mainModule(0).split('\n').length; team += 1) {
    const source = teamModule(team);
    modules[`team_${team}.rego`] = source;
    total += source.split('\n').length;
  }
  const teams = Object.keys(modules).length;
  modules['main.rego'] = mainModule(teams);
  return modules;
}

function teamModule(team: number): string {
  const service = SERVICES[team % SERVICES.length]!;
  const actions = VERBS.map((verb, index) => `\t"${service}:${verb}Resource${team}x${index}",`).join('\n');
  return `package teams.t${team}

owned_actions := {
${actions}
}

reviewers := ["team-${team}-leads", "security"]

deny contains sprintf("team ${team} forbids %s on %s", [input.call.iam_action, input.call.resource]) if {
\tinput.call.iam_action in owned_actions
\tinput.call.environment == "prod"
\tnot input.agent.id in data.teams.t${team}.trusted_agents
}

deny contains msg if {
\tinput.call.service == "${service}"
\tsome tag in object.keys(object.get(input.call.params, "Tags", {}))
\tstartswith(tag, "aws:")
\tmsg := sprintf("team ${team}: reserved tag %s", [tag])
}

holds contains {"reason": sprintf("team ${team} reviews %s", [input.call.iam_action]), "groups": reviewers} if {
\tinput.call.service == "${service}"
\tsensitive_call
}

sensitive_call if {
\tsome verb in ["Delete", "Detach", "Modify"]
\tstartswith(input.call.action, verb)
}

sensitive_call if {
\tcount([p | some p in object.keys(input.call.params); contains(lower(p), "policy")]) > 0
}

approvers_needed(env) := 2 if {
\tenv == "prod"
} else := 1 if {
\tenv == "staging"
} else := 0

labels_ok if {
\tevery key, value in input.agent.labels {
\t\tis_string(value)
\t\tcount(key) < 64
\t}
}

quota := {"team": ${team}, "service": "${service}", "approvers": approvers_needed(input.call.environment)}
`;
}

function mainModule(teams: number): string {
  const names = Array.from({ length: teams }, (_, team) => `data.teams.t${team}`);
  return `package airlock

all_denies := {msg | some team in [${names.join(', ')}]; some msg in team.deny}

all_holds := [h | some team in [${names.join(', ')}]; some h in team.holds]

decision := {"effect": "deny", "reason": concat("; ", sort(all_denies))} if {
\tcount(all_denies) > 0
} else := {"effect": "hold", "reason": all_holds[0].reason, "groups": all_holds[0].groups} if {
\tcount(all_holds) > 0
} else := {"effect": "allow", "reason": "no team objects"}
`;
}
