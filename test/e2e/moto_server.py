"""The AWS API emulator for Prism's end-to-end tests: moto's server on a free loopback port.

Usage: python3 moto_server.py  (prints "PORT=<n>" on stdout, then serves until killed)

Fidelity fixes, so the emulator answers as AWS does (each cites AWS's documentation):
- moto (5.2) deletes a managed policy that is still attached to a role, user or group. AWS refuses
  with DeleteConflict, "Cannot delete a policy attached to entities."
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html: "Before you can
  delete a managed policy, you must first detach the policy from all users, groups, and roles
  that it is attached to.") Prism's delete-blocked path depends on exactly that answer.
- moto (5.2) returns GetPolicyVersion's Document as raw JSON. AWS returns it URL-encoded
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html: "The policy document
  returned in this structure is URL-encoded compliant with RFC 3986"), and the AWS provider decodes
  it, so a document containing "%{" fails to parse against plain moto but not against AWS. moto
  already encodes the other IAM documents (role trust and inline policies) this way.
- moto (5.2) does not implement sso-admin's TagResource, UntagResource and ListTagsForResource; the
  AWS provider reads a permission set's tags after creating it and retries until it gives up.
  (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListTagsForResource.html)
- moto (5.2) does not implement Put/Get/DeletePermissionsBoundary(To|For|From)PermissionSet.
  (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutPermissionsBoundaryToPermissionSet.html)
- moto (5.2) "provisions" a permission set by recording it against the caller's account only,
  answers SUCCEEDED whatever the permission set references, and has no
  DescribePermissionSetProvisioningStatus. In AWS, provisioning creates or updates the role
  AWSReservedSSO_<PermissionSet>_<id> in the target account, with the permission set's policies
  attached (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html:
  "the specified permission set will automatically be provisioned to the account in the form of an
  IAM policy. That policy is attached to the IAM role created in IAM Identity Center"), and a
  customer managed policy reference needs "an IAM policy that matches the name and path in each AWS
  account where you want to deploy your permission set"
  (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CustomerManagedPolicyReference.html):
  without it, provisioning ends FAILED with a FailureReason
  (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSetProvisioningStatus.html).
  Here CreateAccountAssignment and ProvisionPermissionSet (AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS)
  create or update that role in the target account's emulated IAM, and fail, creating no assignment,
  when a referenced customer managed policy is missing there; DeleteAccountAssignment removes the role
  with the account's last assignment of the permission set. The FailureReason text is this file's
  own wording: AWS's exact text is not documented.
"""
import hashlib
import json
import socket
import sys
import uuid

from moto.iam.exceptions import DeleteConflictException
from moto.core.serialize import url_encode
from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse
from moto.server import main
from moto.core.utils import unix_time
from moto.iam.models import iam_backends
from moto.ssoadmin.exceptions import ResourceNotFoundException
from moto.ssoadmin.responses import SSOAdminResponse

_delete_policy = IAMBackend.delete_policy


def delete_policy(self, policy_arn):
    if self.get_policy(policy_arn).attachment_count > 0:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    return _delete_policy(self, policy_arn)


IAMBackend.delete_policy = delete_policy
IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["GetPolicyVersionResponse.PolicyVersion.Document"] = url_encode


# --- IAM Identity Center: tags, permissions boundaries, provisioning ---------------------------

RESERVED_PATH = "/aws-reserved/sso.amazonaws.com/"
INLINE_NAME = "AwsSSOInlinePolicy"


def _state(backend):
    """Per-backend state the fixes keep: tags by ARN, boundaries and request statuses."""
    if not hasattr(backend, "prism_state"):
        backend.prism_state = {"tags": {}, "boundaries": {}, "statuses": {}}
    return backend.prism_state


def _seconds(duration):
    hours = minutes = 0
    if duration and duration.startswith("PT"):
        rest = duration[2:]
        if "H" in rest:
            h, rest = rest.split("H", 1)
            hours = int(h)
        if "M" in rest:
            minutes = int(rest.split("M", 1)[0])
    return str((hours * 3600 + minutes * 60) or 3600)


def _role_name(ps):
    return f"AWSReservedSSO_{ps.name}_{hashlib.sha1(ps.permission_set_arn.encode()).hexdigest()[:16]}"


def _provision(backend, ps, account):
    """Creates or updates the permission set's role in `account`; returns a failure reason, or None."""
    iam = iam_backends[account][backend.partition]
    wanted = [mp.arn for mp in ps.managed_policies]
    for ref in ps.customer_managed_policies:
        arn = f"arn:{backend.partition}:iam::{account}:policy{ref.path}{ref.name}"
        if arn not in iam.managed_policies:
            return f"Provisioning failed in account {account}: the customer managed policy {ref.path}{ref.name} referenced by permission set {ps.name} does not exist in that account."
        wanted.append(arn)
    name = _role_name(ps)
    try:
        role = iam.get_role(name)
        role.max_session_duration = _seconds(ps.session_duration)
    except Exception:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": f"arn:{backend.partition}:iam::{account}:saml-provider/AWSSSO_DO_NOT_DELETE"}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}]}
        role = iam.create_role(name, json.dumps(trust), RESERVED_PATH, None, "", [], _seconds(ps.session_duration))
    for arn in list(role.managed_policies.keys()):
        if arn not in wanted:
            iam.detach_role_policy(arn, name)
    for arn in wanted:
        if arn not in role.managed_policies:
            iam.attach_role_policy(arn, name)
    if ps.inline_policy:
        iam.put_role_policy(name, INLINE_NAME, ps.inline_policy)
    elif INLINE_NAME in role.policies:
        iam.delete_role_policy(name, INLINE_NAME)
    boundary = _state(backend)["boundaries"].get(ps.permission_set_arn)
    role.permissions_boundary_arn = boundary.get("ManagedPolicyArn") if boundary else None
    return None


def _deprovision(backend, ps, account):
    iam = iam_backends[account][backend.partition]
    name = _role_name(ps)
    try:
        role = iam.get_role(name)
    except Exception:
        return
    for arn in list(role.managed_policies.keys()):
        iam.detach_role_policy(arn, name)
    if INLINE_NAME in role.policies:
        iam.delete_role_policy(name, INLINE_NAME)
    iam.delete_role(name)


def _assigned_accounts(backend, instance_arn, ps_arn):
    return sorted({a.target_id for a in backend.account_assignments if a.instance_arn == instance_arn and a.permission_set_arn == ps_arn})


def create_account_assignment(self):
    p = json.loads(self.body)
    backend = self.ssoadmin_backend
    ps = backend._find_permission_set(p["InstanceArn"], p["PermissionSetArn"])
    reason = _provision(backend, ps, p["TargetId"])
    if reason is None:
        summary = backend.create_account_assignment(
            instance_arn=p["InstanceArn"], target_id=p["TargetId"], target_type=p["TargetType"],
            permission_set_arn=p["PermissionSetArn"], principal_type=p["PrincipalType"], principal_id=p["PrincipalId"],
        )
        summary["Status"] = "SUCCEEDED"
    else:
        summary = {k: p[k] for k in ("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")}
        summary.update({"CreatedDate": unix_time(), "RequestId": str(uuid.uuid4()), "Status": "FAILED", "FailureReason": reason})
    _state(backend)["statuses"][summary["RequestId"]] = summary
    return json.dumps({"AccountAssignmentCreationStatus": summary})


_describe_creation = SSOAdminResponse.describe_account_assignment_creation_status


def describe_account_assignment_creation_status(self):
    request_id = self._get_param("AccountAssignmentCreationRequestId")
    found = _state(self.ssoadmin_backend)["statuses"].get(request_id)
    if found is not None:
        return json.dumps({"AccountAssignmentCreationStatus": found})
    return _describe_creation(self)


_delete_assignment = SSOAdminResponse.delete_account_assignment


def delete_account_assignment(self):
    p = json.loads(self.body)
    out = _delete_assignment(self)
    backend = self.ssoadmin_backend
    if p["TargetId"] not in _assigned_accounts(backend, p["InstanceArn"], p["PermissionSetArn"]):
        _deprovision(backend, backend._find_permission_set(p["InstanceArn"], p["PermissionSetArn"]), p["TargetId"])
    return out


def provision_permission_set(self):
    backend = self.ssoadmin_backend
    instance_arn = self._get_param("InstanceArn")
    ps_arn = self._get_param("PermissionSetArn")
    ps = backend._find_permission_set(instance_arn, ps_arn)
    if self._get_param("TargetType") == "AWS_ACCOUNT":
        accounts = [self._get_param("TargetId")]
    else:
        accounts = _assigned_accounts(backend, instance_arn, ps_arn)
    reasons = [r for r in (_provision(backend, ps, a) for a in accounts) if r]
    status = {"CreatedDate": unix_time(), "PermissionSetArn": ps_arn, "RequestId": str(uuid.uuid4()), "Status": "FAILED" if reasons else "SUCCEEDED"}
    if self._get_param("TargetType") == "AWS_ACCOUNT":
        status["AccountId"] = accounts[0]
    if reasons:
        status["FailureReason"] = " ".join(reasons)
    _state(backend)["statuses"][status["RequestId"]] = status
    return json.dumps({"PermissionSetProvisioningStatus": status})


def describe_permission_set_provisioning_status(self):
    request_id = self._get_param("ProvisionPermissionSetRequestId")
    found = _state(self.ssoadmin_backend)["statuses"].get(request_id)
    if found is None:
        raise ResourceNotFoundException(f"Provisioning request {request_id} not found")
    return json.dumps({"PermissionSetProvisioningStatus": found})


def list_tags_for_resource(self):
    backend = self.ssoadmin_backend
    arn = self._get_param("ResourceArn")
    tags = _state(backend)["tags"].get(arn)
    if tags is None:
        ps = next((x for x in backend.permission_sets if x.permission_set_arn == arn), None)
        tags = list(ps.tags or []) if ps else []
        _state(backend)["tags"][arn] = tags
    return json.dumps({"Tags": tags})


def tag_resource(self):
    json.loads(list_tags_for_resource(self))
    store = _state(self.ssoadmin_backend)["tags"]
    arn = self._get_param("ResourceArn")
    new = {t["Key"]: t["Value"] for t in self._get_param("Tags")}
    store[arn] = [t for t in store[arn] if t["Key"] not in new] + [{"Key": k, "Value": v} for k, v in new.items()]
    return "{}"


def untag_resource(self):
    json.loads(list_tags_for_resource(self))
    store = _state(self.ssoadmin_backend)["tags"]
    arn = self._get_param("ResourceArn")
    keys = set(self._get_param("TagKeys"))
    store[arn] = [t for t in store[arn] if t["Key"] not in keys]
    return "{}"


def put_permissions_boundary_to_permission_set(self):
    backend = self.ssoadmin_backend
    backend._find_permission_set(self._get_param("InstanceArn"), self._get_param("PermissionSetArn"))
    _state(backend)["boundaries"][self._get_param("PermissionSetArn")] = self._get_param("PermissionsBoundary")
    return "{}"


def get_permissions_boundary_for_permission_set(self):
    backend = self.ssoadmin_backend
    backend._find_permission_set(self._get_param("InstanceArn"), self._get_param("PermissionSetArn"))
    found = _state(backend)["boundaries"].get(self._get_param("PermissionSetArn"))
    if found is None:
        raise ResourceNotFoundException("Could not find a permissions boundary for the permission set")
    return json.dumps({"PermissionsBoundary": found})


def delete_permissions_boundary_from_permission_set(self):
    _state(self.ssoadmin_backend)["boundaries"].pop(self._get_param("PermissionSetArn"), None)
    return "{}"


for _fn in (
    create_account_assignment, describe_account_assignment_creation_status, delete_account_assignment,
    provision_permission_set, describe_permission_set_provisioning_status,
    list_tags_for_resource, tag_resource, untag_resource,
    put_permissions_boundary_to_permission_set, get_permissions_boundary_for_permission_set, delete_permissions_boundary_from_permission_set,
):
    setattr(SSOAdminResponse, _fn.__name__, _fn)

if __name__ == "__main__":
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    print(f"PORT={port}", flush=True)
    main(["-H", "127.0.0.1", "-p", str(port)])
