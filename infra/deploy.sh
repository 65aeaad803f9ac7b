#!/usr/bin/env bash
# infra/deploy.sh: `make deploy`'s sam deploy, run with STACK, PARAMS (the
# caller's parameter overrides, as one string) and ASSETS_VERSION from the
# environment. Needs the AWS SAM CLI, the AWS CLI and credentials.
#
# The Cognito client's CallbackUrls and LogoutUrls must name the web app's
# own sign-in return and signed-out pages, but on the API's address the
# template cannot give them: the API's authorizer and the web function
# need the client first (a circular dependency). So after deploying, this
# reads the stack's WebCallbackUrl and WebSignedOutUrl outputs and, when
# the client's URLs lack them and PARAMS does not set them, deploys again
# with them (in place of the template's http://localhost:8080 defaults;
# any other URLs the stack was given are kept). On a first deploy that
# makes two; once the URLs are right, one.
#
# infra/cfn's TestDeployScript runs it with stand-ins for sam and aws.
set -euo pipefail

: "${STACK:?STACK names the stack}" "${ASSETS_VERSION:?ASSETS_VERSION: the version of the static files}"
PARAMS=${PARAMS-}
TEMPLATE=${TEMPLATE:-template.yaml}

deploy() { # $1: extra overrides, appended to the caller's
	sam deploy --template-file "$TEMPLATE" --stack-name "$STACK" --resolve-s3 \
		--capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset \
		--parameter-overrides "AssetsVersion=$ASSETS_VERSION${PARAMS:+ $PARAMS}${1:+ $1}"
}

# set_by_caller NAME: PARAMS gives NAME (Name=… or ParameterKey=Name,…).
set_by_caller() {
	local re="(^|[[:space:]\"'])(ParameterKey=)?$1[=,]"
	[[ $PARAMS =~ $re ]]
}

# with_url LIST URL: LIST (comma-separated) with URL added and the
# template's localhost default taken out.
with_url() {
	local out=$2 u
	IFS=, read -ra have <<<"$1"
	for u in "${have[@]}"; do
		case $u in "$2" | http://localhost:8080/app/auth/* | None | "") ;; *) out="$out,$u" ;; esac
	done
	printf '%s\n' "$out"
}

deploy ""

# One line: the two outputs, then the two parameters the client has now.
read -r callback_out signedout_out callback_now logout_now < <(
	aws cloudformation describe-stacks --stack-name "$STACK" --output text --query \
		"Stacks[0].[Outputs[?OutputKey=='WebCallbackUrl'].OutputValue|[0], Outputs[?OutputKey=='WebSignedOutUrl'].OutputValue|[0], Parameters[?ParameterKey=='CallbackUrls'].ParameterValue|[0], Parameters[?ParameterKey=='LogoutUrls'].ParameterValue|[0]]"
)
if [[ -z ${callback_out-} || $callback_out == None || -z ${signedout_out-} || $signedout_out == None ]]; then
	echo "deploy: stack $STACK has no WebCallbackUrl/WebSignedOutUrl output: CallbackUrls and LogoutUrls left as they are" >&2
	exit 1
fi

extra=()
# fix NAME NOW WANT: add NAME=… to extra when NOW lacks WANT and the caller
# left NAME alone (a caller's own value stands, with a warning).
fix() {
	[[ ",$2," == *",$3,"* ]] && return
	if set_by_caller "$1"; then
		echo "deploy: warning: $1 as given does not include $3: the web app's sign-in will fail unless it is reached elsewhere" >&2
		return
	fi
	extra+=("$1=$(with_url "$2" "$3")")
}
fix CallbackUrls "${callback_now-}" "$callback_out"
fix LogoutUrls "${logout_now-}" "$signedout_out"
if ((${#extra[@]} == 0)); then
	echo "deploy: sign-in returns to $callback_out (CallbackUrls and LogoutUrls already name the web app)"
	exit 0
fi
echo "deploy: the user pool client does not yet send people back to $callback_out; deploying again with ${extra[*]}"
deploy "${extra[*]}"
echo "deploy: sign-in returns to $callback_out"
