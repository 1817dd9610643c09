"""Starts moto's server with one fix to its policy evaluation, so S3 bucket policies behave as on AWS.

moto 5 evaluates only `StringEquals` conditions and finds no request context for keys such as
`aws:SecureTransport`; it then treats a conditional Deny as unconditional. The state bucket's
standard "deny unless TLS" policy would refuse every request, so Terraform could never use it.
AWS's rule is that a condition on a key absent from the request context does not match (except the
`...IfExists` and `Null` operators): this shim applies that rule and leaves everything else to moto.

For the demo it can also hand out access keys that are already old: with
MOTO_ACCESS_KEY_AGE_MINUTES=N every access key is created N minutes in the past, so the monitor sees
a stale key through the real IAM API without waiting (moto has no way to set a key's creation time).

Usage: python3 scripts/moto_server.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)
"""

import json
import os
import sys
from datetime import timedelta

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

_key_age_minutes = int(os.environ.get("MOTO_ACCESS_KEY_AGE_MINUTES", "0"))
if _key_age_minutes > 0:
    from moto.iam.models import AccessKey

    _original_access_key_init = AccessKey.__init__

    def _backdated_access_key_init(self, *args, **kwargs):
        _original_access_key_init(self, *args, **kwargs)
        self.create_date = self.create_date - timedelta(minutes=_key_age_minutes)

    AccessKey.__init__ = _backdated_access_key_init

# For the benchmark: MOTO_ACCESS_KEY_AGE_MINUTES_BY_USER_PREFIX='{"stale-": 144000}' backdates the keys
# of users whose name starts with a prefix (the longest matching prefix wins), so one account can mix
# old and new keys. A list of ages gives a user's successive keys their own ages (the last one repeats),
# so one user can hold an old key and a young one.
_ages_by_prefix = json.loads(os.environ.get("MOTO_ACCESS_KEY_AGE_MINUTES_BY_USER_PREFIX", "{}"))
if _ages_by_prefix:
    from moto.iam.models import AccessKey

    _init_before_prefix_ages = AccessKey.__init__
    _keys_created = {}

    def _prefix_backdated_access_key_init(self, user_name, *args, **kwargs):
        _init_before_prefix_ages(self, user_name, *args, **kwargs)
        prefixes = [p for p in _ages_by_prefix if (user_name or "").startswith(p)]
        if prefixes:
            ages = _ages_by_prefix[max(prefixes, key=len)]
            if isinstance(ages, list):
                index = _keys_created.get(user_name, 0)
                _keys_created[user_name] = index + 1
                ages = ages[min(index, len(ages) - 1)]
            self.create_date = self.create_date - timedelta(minutes=ages)

    AccessKey.__init__ = _prefix_backdated_access_key_init

# moto builds the credential report afresh on every GetCredentialReport but stamps it with a fixed
# GeneratedTime of 2015-02-02, which would make every report look years old: stamp it with the time
# it was built, as AWS does, so the credential-report scan can trust it.
from moto.core.utils import utcnow
from moto.iam.responses import IamResponse

_original_get_credential_report = IamResponse.get_credential_report


def _get_credential_report(self):
    response = _original_get_credential_report(self)
    response.result["GeneratedTime"] = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    return response


IamResponse.get_credential_report = _get_credential_report

# For exposed keys: MOTO_IAM_LOAD_MANAGED_POLICIES=true gives every account AWS's managed policies,
# among them the AWSCompromisedKeyQuarantine* ones AWS attaches to the user of a leaked key. Creating
# all ~1,300 costs each account's IAM a couple of seconds at first use; with
# MOTO_IAM_MANAGED_POLICY_PREFIX only the policies whose name starts with it are created.
_managed_policy_prefix = os.environ.get("MOTO_IAM_MANAGED_POLICY_PREFIX", "")
if _managed_policy_prefix:
    from moto.iam import models as _iam_models

    _prefixed_policies = {
        name: data
        for name, data in json.loads(_iam_models.aws_managed_policies_data).items()
        if name.startswith(_managed_policy_prefix)
    }

    def _init_prefixed_aws_policies(self):
        if not _iam_models.load_iam_aws_managed_policies():
            return []
        return [
            _iam_models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in _prefixed_policies.items()
        ]

    _iam_models.IAMBackend._init_aws_policies = _init_prefixed_aws_policies

if __name__ == "__main__":
    sys.exit(main())
