"""Translate a SAM template to plain CloudFormation with the AWS SAM translator.

Reads the template as JSON on stdin (as infra/cfn's Load returns it, with
CodeUri already pointing at S3 as `sam deploy` leaves it) and writes the
translated template as JSON on stdout: what CloudFormation's
AWS::Serverless-2016-10-31 transform would hand to CloudFormation. A
translation error is printed on stderr and exits 1; a missing translator
exits 3, so the Go test can skip with a clear message.
"""

import json
import os
import sys

try:
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
except ImportError as e:  # pragma: no cover - the caller skips
    print(f"samtranslator is not importable: {e}", file=sys.stderr)
    sys.exit(3)


class NoManagedPolicies:
    """fundtrack's functions use inline policies only, so no managed policy
    name needs looking up in IAM (which would need AWS credentials)."""

    def load(self):
        return {}


def main():
    template = json.load(sys.stdin)
    # The region only shapes ARNs the translator writes itself.
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-2")
    try:
        out = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"SAM translation error: {cause.message}", file=sys.stderr)
        sys.exit(1)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
