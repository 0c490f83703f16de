# Airlock's default policy.
#
# Airlock asks `data.airlock.decision` about every cloud call an agent makes. The answer is
#   {"effect": "allow" | "deny" | "hold", "reason": "...", "approval": {...}}
# and anything else (undefined, an error) is a deny: Airlock fails closed.
#
# How this policy decides, in order:
#   1. deny  — calls Airlock cannot decode, calls that hand real credentials to the agent, audit-trail tampering;
#   2. hold  — privilege changes, key destruction, data exports and production deletes wait for human approval;
#   3. allow — read-only calls anywhere, writes outside production;
#   4. hold  — any other write (in production, or where the environment is unknown) waits for one SRE.
# A call that matches several hold rules needs the strictest approval among them.
package airlock

import rego.v1

default decision := {"effect": "deny", "reason": "no rule of the Airlock policy allows this call"}

decision := {"effect": "deny", "reason": concat("; ", sort(deny))} if {
	count(deny) > 0
} else := {"effect": "hold", "reason": concat("; ", sort(hold_reasons)), "approval": approval} if {
	count(holds) > 0
} else := {"effect": "allow", "reason": allow} if {
	allow
} else := {"effect": "hold", "reason": "a write in production or in an unclassified account", "approval": sre_approval(1)}

call := input.call

# --- 1. Denied outright ------------------------------------------------------------------------------------

deny contains "Airlock could not decode this call, so no policy can vouch for it" if {
	not call.decoded
}

deny contains sprintf("%s returns credentials, which agents never receive", [call.iam_action]) if {
	call.iam_action in credential_actions
}

deny contains sprintf("%s would weaken the audit trail", [call.iam_action]) if {
	call.iam_action in audit_trail_actions
}

# Calls whose responses carry secrets an agent could use to go around Airlock.
credential_actions := {
	"sts:AssumeRole",
	"sts:AssumeRoleWithSAML",
	"sts:AssumeRoleWithWebIdentity",
	"sts:GetSessionToken",
	"sts:GetFederationToken",
	"iam:CreateAccessKey",
	"iam:CreateServiceSpecificCredential",
	"iam:ResetServiceSpecificCredential",
	"sso:GetRoleCredentials",
	"ecr:GetAuthorizationToken",
	"secretsmanager:GetSecretValue",
	"rds:GenerateDBAuthToken",
	"eks:GetToken",
}

audit_trail_actions := {
	"cloudtrail:StopLogging",
	"cloudtrail:DeleteTrail",
	"cloudtrail:UpdateTrail",
	"cloudtrail:PutEventSelectors",
	"cloudtrail:DeleteEventDataStore",
	"logs:DeleteLogGroup",
	"logs:DeleteLogStream",
	"logs:DeleteRetentionPolicy",
	"logs:PutRetentionPolicy",
}

# --- 2. Held for approval ----------------------------------------------------------------------------------

holds contains {"reason": sprintf("%s changes who may do what", [call.iam_action]), "approval": security_approval} if {
	privilege_change
}

holds contains {"reason": sprintf("%s destroys or disables key material", [call.iam_action]), "approval": security_approval} if {
	call.iam_action in key_destruction_actions
}

holds contains {"reason": sprintf("%s can expose data outside the account", [call.iam_action]), "approval": security_approval} if {
	call.iam_action in data_export_actions
}

holds contains {"reason": sprintf("%s deletes in production", [call.iam_action]), "approval": sre_approval(2)} if {
	call.environment == "prod"
	destructive
}

privilege_change if {
	call.service == "iam"
	some prefix in privilege_prefixes
	startswith(call.action, prefix)
}

privilege_change if call.iam_action in {
	"organizations:AttachPolicy",
	"organizations:DetachPolicy",
	"s3:PutBucketPolicy",
	"s3:DeleteBucketPolicy",
	"kms:PutKeyPolicy",
	"kms:CreateGrant",
	"lambda:AddPermission",
	"ecr:SetRepositoryPolicy",
	"secretsmanager:PutResourcePolicy",
}

privilege_prefixes := [
	"Add", "Attach", "Create", "Delete", "Detach", "Put", "Remove", "Set", "Update", "Tag", "Untag",
	"Upload", "Change", "Enable", "Deactivate", "Resync",
]

key_destruction_actions := {
	"kms:ScheduleKeyDeletion",
	"kms:DisableKey",
	"kms:DeleteImportedKeyMaterial",
	"kms:DeleteAlias",
	"secretsmanager:DeleteSecret",
}

data_export_actions := {
	"s3:PutBucketAcl",
	"s3:PutObjectAcl",
	"s3:PutObjectVersionAcl",
	"s3:PutBucketPublicAccessBlock",
	"s3:PutReplicationConfiguration",
	"ec2:ModifySnapshotAttribute",
	"ec2:ModifyImageAttribute",
	"rds:ModifyDBSnapshotAttribute",
	"rds:ModifyDBClusterSnapshotAttribute",
	"rds:StartExportTask",
	"dynamodb:ExportTableToPointInTime",
}

destructive if {
	some prefix in ["Delete", "Terminate", "Remove", "Destroy", "Purge"]
	startswith(call.action, prefix)
}

# The strictest approval among the holds that matched: the most approvers, every group named, the shortest wait.
approval := {
	"min_approvers": max([h.approval.min_approvers | some h in holds]),
	"groups": sort({g | some h in holds; some g in h.approval.groups}),
	"timeout_seconds": min([h.approval.timeout_seconds | some h in holds]),
}

hold_reasons contains h.reason if some h in holds

security_approval := {"min_approvers": 2, "groups": ["security"], "timeout_seconds": 3600} if {
	call.environment == "prod"
} else := {"min_approvers": 1, "groups": ["security"], "timeout_seconds": 3600}

sre_approval(n) := {"min_approvers": n, "groups": ["sre"], "timeout_seconds": 900}

# --- 3. Allowed --------------------------------------------------------------------------------------------

allow := "a read-only call" if {
	call.read_only
} else := "a write outside production" if {
	call.environment in {"dev", "test", "staging", "sandbox"}
}
