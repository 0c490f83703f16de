# Unit tests of the default policy: `airlock policy test rego/`.
package airlock_test

import rego.v1

import data.airlock

call(action, overrides) := object.union(
	{
		"cloud": "aws",
		"service": split(action, ":")[0],
		"action": split(action, ":")[1],
		"iam_action": action,
		"region": "us-east-1",
		"account": "123456789012",
		"environment": "dev",
		"read_only": false,
		"decoded": true,
		"params": {},
	},
	overrides,
)

decide(c) := d if {
	d := airlock.decision with input as {"agent": {"id": "deploy-bot", "owner": "alice@example.com"}, "call": c}
}

test_read_only_calls_are_allowed if {
	d := decide(call("s3:GetObject", {"read_only": true, "environment": "prod"}))
	d.effect == "allow"
	d.reason == "a read-only call"
}

test_writes_outside_production_are_allowed if {
	d := decide(call("s3:PutObject", {"environment": "staging"}))
	d.effect == "allow"
}

test_writes_in_production_wait_for_one_sre if {
	d := decide(call("s3:PutObject", {"environment": "prod"}))
	d.effect == "hold"
	d.approval == {"min_approvers": 1, "groups": ["sre"], "timeout_seconds": 900}
}

test_writes_in_unclassified_accounts_wait if {
	d := decide(call("ec2:RunInstances", {"environment": ""}))
	d.effect == "hold"
}

test_undecoded_calls_are_denied if {
	d := decide(call("unknown:Thing", {"decoded": false, "read_only": true}))
	d.effect == "deny"
	contains(d.reason, "could not decode")
}

test_missing_call_is_denied if {
	d := airlock.decision with input as {}
	d.effect == "deny"
}

test_credential_vending_is_denied if {
	every action in ["sts:AssumeRole", "iam:CreateAccessKey", "ecr:GetAuthorizationToken", "sso:GetRoleCredentials"] {
		d := decide(call(action, {"read_only": true}))
		d.effect == "deny"
		contains(d.reason, "returns credentials")
	}
}

test_audit_trail_tampering_is_denied if {
	d := decide(call("cloudtrail:StopLogging", {}))
	d.effect == "deny"
	d.reason == "cloudtrail:StopLogging would weaken the audit trail"
}

test_privilege_changes_wait_for_security if {
	d := decide(call("iam:AttachRolePolicy", {}))
	d.effect == "hold"
	d.approval.groups == ["security"]
	d.approval.min_approvers == 1
}

test_privilege_changes_in_production_need_two if {
	d := decide(call("iam:CreateRole", {"environment": "prod"}))
	d.effect == "hold"
	d.approval.min_approvers == 2
}

test_resource_policies_are_privilege_changes if {
	d := decide(call("s3:PutBucketPolicy", {}))
	d.effect == "hold"
	contains(d.reason, "changes who may do what")
}

test_iam_reads_are_not_privilege_changes if {
	d := decide(call("iam:GetRole", {"read_only": true}))
	d.effect == "allow"
}

test_key_destruction_waits_for_security if {
	d := decide(call("kms:ScheduleKeyDeletion", {}))
	d.effect == "hold"
	contains(d.reason, "destroys or disables key material")
}

test_data_exports_wait_for_security if {
	d := decide(call("ec2:ModifySnapshotAttribute", {}))
	d.effect == "hold"
	contains(d.reason, "expose data")
}

test_production_deletes_wait_for_two_sres if {
	d := decide(call("dynamodb:DeleteTable", {"environment": "prod"}))
	d.effect == "hold"
	d.approval == {"min_approvers": 2, "groups": ["sre"], "timeout_seconds": 900}
}

test_deletes_outside_production_are_allowed if {
	d := decide(call("dynamodb:DeleteTable", {"environment": "dev"}))
	d.effect == "allow"
}

test_several_holds_take_the_strictest_approval if {
	d := decide(call("iam:DeleteRole", {"environment": "prod"}))
	d.effect == "hold"
	d.approval.min_approvers == 2
	d.approval.groups == ["security", "sre"]
	d.approval.timeout_seconds == 900
	contains(d.reason, "changes who may do what")
	contains(d.reason, "deletes in production")
}

test_deny_wins_over_hold if {
	d := decide(call("iam:CreateAccessKey", {"environment": "prod"}))
	d.effect == "deny"
}
