"""Starts moto's server with one fix to its policy evaluation, so S3 bucket policies behave as on AWS.

moto 5 evaluates only `StringEquals` conditions and finds no request context for keys such as
`aws:SecureTransport`; it then treats a conditional Deny as unconditional. The state bucket's
standard "deny unless TLS" policy would refuse every request, so Terraform could never use it.
AWS's rule is that a condition on a key absent from the request context does not match (except the
`...IfExists` and `Null` operators): this shim applies that rule and leaves everything else to moto.

Usage: python3 scripts/moto_server.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)
"""

import sys

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.server import main

_original_is_action_permitted = IAMPolicyStatement.is_action_permitted


def _absent_key_fails(conditions, context):
    for operator, values in conditions.items():
        for key, expected in values.items():
            if key in context:
                continue
            if operator.endswith("IfExists"):
                continue
            if operator == "Null" and str(expected).lower() == "true":
                continue
            return True
    return False


def _is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
    conditions = self._statement.get("Condition")
    if conditions and _absent_key_fails(conditions, incoming_condition_values or {}):
        return PermissionResult.NEUTRAL
    return _original_is_action_permitted(self, action, resource, principal, incoming_condition_values)


IAMPolicyStatement.is_action_permitted = _is_action_permitted

if __name__ == "__main__":
    sys.exit(main())
