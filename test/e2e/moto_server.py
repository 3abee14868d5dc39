"""The AWS API emulator for Prism's end-to-end tests: moto's server on a free loopback port.

Usage: python3 moto_server.py  (prints "PORT=<n>" on stdout, then serves until killed)

Two fidelity fixes, so the emulator answers as AWS does:
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
"""
import socket
import sys

from moto.iam.exceptions import DeleteConflictException
from moto.core.serialize import url_encode
from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse
from moto.server import main

_delete_policy = IAMBackend.delete_policy


def delete_policy(self, policy_arn):
    if self.get_policy(policy_arn).attachment_count > 0:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    return _delete_policy(self, policy_arn)


IAMBackend.delete_policy = delete_policy
IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["GetPolicyVersionResponse.PolicyVersion.Document"] = url_encode

if __name__ == "__main__":
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    print(f"PORT={port}", flush=True)
    main(["-H", "127.0.0.1", "-p", str(port)])
