"""Starts moto's server with one fix to its policy evaluation, so S3 bucket policies behave as on AWS.

moto 5 evaluates only `StringEquals` conditions and finds no request context for keys such as
`aws:SecureTransport`; it then treats a conditional Deny as unconditional. The state bucket's
standard "deny unless TLS" policy would refuse every request, so Terraform could never use it.
AWS's rule is that a condition on a key absent from the request context does not match (except the
`...IfExists` and `Null` operators): this shim applies that rule and leaves everything else to moto.

For the demo it can also hand out access keys that are already old: with
MOTO_ACCESS_KEY_AGE_MINUTES=N every access key is created N minutes in the past, so the monitor sees
a stale key through the real IAM API without waiting (moto has no way to set a key's creation time).

CloudTrail event history: moto has no `LookupEvents`, so this shim implements it over events the
tests seed, with AWS's request and response shapes and its limit of 2 requests a second per account
and region (see the CloudTrail section at the end of this file):

  POST   /moto-api/cloudtrail/events            {"events": [<CloudTrail record>, ...]}  -> {"stored": n}
         (Content-Type: application/json)
         A record is what `CloudTrailEvent` holds: eventTime (ISO 8601), eventSource, eventName and
         awsRegion are required; userIdentity.accessKeyId / userName, sourceIPAddress, userAgent,
         readOnly, resources ([{type, ARN}]), eventID and recipientAccountId are optional (eventID
         defaults to a new UUID, recipientAccountId to userIdentity.accountId or moto's default
         account). Each record lands in the event history of its account and awsRegion.
  GET    /moto-api/cloudtrail/lookup-requests   -> {"requests": [{accountId, region, time, throttled,
         userAgent}]}: every LookupEvents request, in arrival order (time: epoch seconds), so a test can
         prove a client kept to the rate limit.
  DELETE /moto-api/cloudtrail/lookup-requests   forgets that log (the events stay).
  POST   /moto-api/reset                        clears the events and the log with the rest of moto.

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

# --- CloudTrail event history (LookupEvents) --------------------------------------------------------
# moto 5.2 has CloudTrail trails but no event history. This implements LookupEvents over seeded records
# as AWS documents it: at most one LookupAttributes entry (AttributeKey among the eight AWS accepts),
# StartTime/EndTime (epoch seconds, inclusive), MaxResults 1-50 (default 50), an opaque NextToken bound
# to the query it came from, events newest first, only the last 90 days, CloudTrailEvent as a JSON
# string. Requests are limited to 2 a second per account and region, measured over any sliding second
# when the request is handled; a request over the limit is answered as AWS answers it (HTTP 400,
# {"__type": "ThrottlingException", "message": "Rate exceeded"}) and does not count toward the limit.
import base64
import hashlib
import threading
import time
import uuid
from datetime import datetime, timezone

from moto.cloudtrail.responses import CloudTrailResponse
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import urls as _moto_api_urls
from moto.moto_api._internal.models import MotoAPIBackend

LOOKUP_EVENTS_PER_SECOND = 2
_EVENT_HISTORY_DAYS = 90
_LOOKUP_ATTRIBUTE_KEYS = [
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
]
_READ_ONLY_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Scan", "Query", "Select")

_cloudtrail_lock = threading.Lock()
_events_by_place = {}  # (account id, region) -> [record], as seeded
_accepted_by_place = {}  # (account id, region) -> [monotonic time of each accepted request]
_lookup_log = []  # every LookupEvents request, for the tests


class _CloudTrailError(JsonRESTError):
    code = 400

    def __init__(self, error_type, message):
        super().__init__(error_type, message)


def _parse_time(value):
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _epoch(moment):
    seconds = moment.timestamp()
    return int(seconds) if seconds == int(seconds) else seconds


def _stored_record(record):
    missing = [k for k in ("eventTime", "eventSource", "eventName", "awsRegion") if not record.get(k)]
    if missing:
        raise ValueError(f"a CloudTrail record needs {', '.join(missing)}: {json.dumps(record)[:200]}")
    identity = dict(record.get("userIdentity") or {})
    account = record.get("recipientAccountId") or identity.get("accountId") or DEFAULT_ACCOUNT_ID
    identity.setdefault("accountId", account)
    if identity.get("userName") and "type" not in identity:
        identity["type"] = "IAMUser"
    stored = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": _parse_time(record["eventTime"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": record["eventSource"],
        "eventName": record["eventName"],
        "awsRegion": record["awsRegion"],
        "sourceIPAddress": record.get("sourceIPAddress", "AWS Internal"),
        "userAgent": record.get("userAgent", ""),
        "requestParameters": record.get("requestParameters"),
        "responseElements": record.get("responseElements"),
        "requestID": record.get("requestID") or str(uuid.uuid4()),
        "eventID": record.get("eventID") or str(uuid.uuid4()),
        "readOnly": record.get("readOnly", record["eventName"].startswith(_READ_ONLY_PREFIXES)),
        "eventType": record.get("eventType", "AwsApiCall"),
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if record.get("resources"):
        stored["resources"] = record["resources"]
    return account, stored


def _seed_events(request, full_url, headers):
    if request.method != "POST":
        return 405, {}, json.dumps({"Error": "POST {\"events\": [...]} to seed CloudTrail events"})
    try:
        records = json.loads(request.get_data() or b"{}").get("events")
        if not isinstance(records, list):
            raise ValueError('the body must be {"events": [<CloudTrail record>, ...]}')
        placed = [_stored_record(record) for record in records]
    except ValueError as error:
        return 400, {}, json.dumps({"Error": str(error)})
    with _cloudtrail_lock:
        for account, stored in placed:
            _events_by_place.setdefault((account, stored["awsRegion"]), []).append(stored)
    return 200, {}, json.dumps({"stored": len(placed)})


def _lookup_requests(request, full_url, headers):
    with _cloudtrail_lock:
        if request.method == "DELETE":
            _lookup_log.clear()
            return 200, {}, json.dumps({"status": "ok"})
        return 200, {}, json.dumps({"requests": list(_lookup_log)})


_moto_api_urls.url_paths["{0}/moto-api/cloudtrail/events$"] = _seed_events
_moto_api_urls.url_paths["{0}/moto-api/cloudtrail/lookup-requests$"] = _lookup_requests

_original_moto_api_reset = MotoAPIBackend.reset


def _reset_with_cloudtrail(self):
    _original_moto_api_reset(self)
    with _cloudtrail_lock:
        _events_by_place.clear()
        _accepted_by_place.clear()
        _lookup_log.clear()


MotoAPIBackend.reset = _reset_with_cloudtrail


def _admit(account, region, user_agent):
    """Counts the request against its account and region's limit; False when it is over the limit."""
    now = time.monotonic()
    with _cloudtrail_lock:
        accepted = [t for t in _accepted_by_place.get((account, region), []) if now - t < 1.0]
        admitted = len(accepted) < LOOKUP_EVENTS_PER_SECOND
        if admitted:
            accepted.append(now)
        _accepted_by_place[(account, region)] = accepted
        _lookup_log.append(
            {"accountId": account, "region": region, "time": time.time(), "throttled": not admitted, "userAgent": user_agent}
        )
    return admitted


def _matches(record, key, value):
    identity = record.get("userIdentity") or {}
    if key == "EventId":
        return record["eventID"] == value
    if key == "EventName":
        return record["eventName"] == value
    if key == "ReadOnly":
        return str(record["readOnly"]).lower() == value.lower()
    if key == "Username":
        return identity.get("userName") == value
    if key == "EventSource":
        return record["eventSource"] == value
    if key == "AccessKeyId":
        return identity.get("accessKeyId") == value
    resources = record.get("resources") or []
    if key == "ResourceType":
        return any(r.get("type") == value for r in resources)
    return any(r.get("ARN") == value or r.get("ARN", "").split(":")[-1] == value for r in resources)


def _lookup_event(record):
    identity = record.get("userIdentity") or {}
    event = {
        "EventId": record["eventID"],
        "EventName": record["eventName"],
        "ReadOnly": str(record["readOnly"]).lower(),
        "EventTime": _epoch(_parse_time(record["eventTime"])),
        "EventSource": record["eventSource"],
        "Resources": [
            {"ResourceType": r.get("type"), "ResourceName": r.get("ARN")} for r in record.get("resources") or []
        ],
        "CloudTrailEvent": json.dumps(record),
    }
    if identity.get("accessKeyId"):
        event["AccessKeyId"] = identity["accessKeyId"]
    if identity.get("userName"):
        event["Username"] = identity["userName"]
    return event


def _lookup_events(self):
    user_agent = " ".join(filter(None, [self.headers.get("User-Agent"), self.headers.get("X-Amz-User-Agent")]))
    if not _admit(self.current_account, self.region, user_agent):
        raise _CloudTrailError("ThrottlingException", "Rate exceeded")
    params = json.loads(self.body or "{}")
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise _CloudTrailError("InvalidLookupAttributesException", "You can specify only one lookup attribute.")
    for attribute in attributes:
        if attribute.get("AttributeKey") not in _LOOKUP_ATTRIBUTE_KEYS:
            raise _CloudTrailError(
                "ValidationException",
                f"1 validation error detected: Value '{attribute.get('AttributeKey')}' at "
                "'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum "
                f"value set: [{', '.join(_LOOKUP_ATTRIBUTE_KEYS)}]",
            )
        if not attribute.get("AttributeValue"):
            raise _CloudTrailError("InvalidLookupAttributesException", "The lookup attribute needs an AttributeValue.")
    max_results = params.get("MaxResults", 50)
    if not isinstance(max_results, int) or not 1 <= max_results <= 50:
        raise _CloudTrailError("InvalidMaxResultsException", f"MaxResults {max_results} is not valid: 1 to 50.")
    start = _parse_time(params["StartTime"]) if params.get("StartTime") is not None else None
    end = _parse_time(params["EndTime"]) if params.get("EndTime") is not None else None
    if start and end and start > end:
        raise _CloudTrailError("InvalidTimeRangeException", "The StartTime is after the EndTime.")
    category = params.get("EventCategory")
    if category not in (None, "insight"):
        raise _CloudTrailError("InvalidEventCategoryException", f"EventCategory {category} is not valid.")

    query = json.dumps([attributes, params.get("StartTime"), params.get("EndTime"), category], sort_keys=True)
    fingerprint = hashlib.sha256(query.encode()).hexdigest()[:16]
    offset = 0
    if params.get("NextToken"):
        try:
            token = json.loads(base64.urlsafe_b64decode(params["NextToken"].encode()))
            offset = int(token["offset"])
            if token["query"] != fingerprint or offset < 0:
                raise ValueError("another query's token")
        except (ValueError, KeyError, TypeError):
            raise _CloudTrailError(
                "InvalidNextTokenException", "The NextToken is not valid or was issued for other parameters."
            )

    retained_since = datetime.now(tz=timezone.utc).timestamp() - _EVENT_HISTORY_DAYS * 86400
    with _cloudtrail_lock:
        records = list(_events_by_place.get((self.current_account, self.region), []))
    if category == "insight":
        records = []  # only management events are seeded
    selected = []
    for record in records:
        moment = _parse_time(record["eventTime"])
        if moment.timestamp() < retained_since or (start and moment < start) or (end and moment > end):
            continue
        if all(_matches(record, a["AttributeKey"], a["AttributeValue"]) for a in attributes):
            selected.append(record)
    selected.sort(key=lambda record: (_parse_time(record["eventTime"]), record["eventID"]), reverse=True)
    page = selected[offset : offset + max_results]
    body = {"Events": [_lookup_event(record) for record in page]}
    if offset + max_results < len(selected):
        token = json.dumps({"offset": offset + max_results, "query": fingerprint})
        body["NextToken"] = base64.urlsafe_b64encode(token.encode()).decode()
    return json.dumps(body)


CloudTrailResponse.lookup_events = _lookup_events

# Every response in one write. Werkzeug's development server, which moto runs, writes a response's
# headers and its body with two separate sends. Now and then (a few runs in a hundred, more on a busy
# machine) the Go SDK in Terraform's S3 backend gets the headers alone, closes the connection without
# waiting for the body and retries the request. For the backend's lock that is fatal: the first
# PutItem (`attribute_not_exists(LockID)`) was applied, so the retry fails against the run's own lock
# ("Error acquiring the state lock", ConditionalCheckFailedException, the lock info showing the same
# run), and Terraform leaves that lock behind. A buffered writer sends headers and body together (the
# server still flushes after each write call, so streamed bodies keep streaming).
import werkzeug.serving

werkzeug.serving.WSGIRequestHandler.wbufsize = -1

if __name__ == "__main__":
    sys.exit(main())
