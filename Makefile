# fundtrack: the SPEC's "Running it" section (run, seed, token, notify,
# test) and the README's "Two commands" say what these do; the others are
# described here.
#
#   make run      local stack (DynamoDB Local :8000, SES emulator :8005) + runner on :8080
#   make test     gofmt, go vet, cfn-lint (if installed), go test -race against the test stack (:8100, :8105), browser tests included
#                 (the packages that run nothing concurrently without -race, the benchmarks not at all: infra/test.sh)
#   make build    build/<function>.zip for every functions/<name>/ (linux/arm64, provided.al2023)
#   make assets   the web app's front end (nhsuk-frontend from npm) into shared/web/static/
#   make deploy   build + sam deploy (STACK, PARAMS; twice on a first deploy, infra/deploy.sh) + the web app's static files to S3/CloudFront
#                 + the back-fill of name markers (infra/backfill)
#   make token    EMAIL=a@b.org GROUPS=admins (GROUPS only as a make argument: see below; TOKEN_GROUPS works either way)
#   make cost     the monthly AWS bill in pounds (BENCHMARKS.md, section 9)
#   make seed | notify | bench | stop | stop-test | status | clean

STACK     ?= fundtrack
PARAMS    ?=
EMAIL     ?= lead@example.org
GROUPS    ?=
# bash keeps its own GROUPS (the user's group ids) and drops an assignment to
# it, so `GROUPS=admins make token` reaches make without it and mints a
# token with no groups. Give GROUPS after `make` (make token GROUPS=admins),
# or use TOKEN_GROUPS, which works before or after.
TOKEN_GROUPS ?= $(GROUPS)
BUILD_DIR ?= build
GO        ?= go

# dev stack endpoints (infra/stack.sh start)
DEV_DYNAMODB_ENDPOINT ?= http://127.0.0.1:8000
DEV_SES_ENDPOINT      ?= http://127.0.0.1:8005
DEV_API               ?= http://127.0.0.1:8080
LOCAL_AWS_REGION      ?= eu-west-2

# Environment for every command that talks to the local dev stack. Local
# credentials keep the AWS SDK from looking for real ones.
DEV_ENV = FUNDTRACK_DYNAMODB_ENDPOINT=$(DEV_DYNAMODB_ENDPOINT) \
	FUNDTRACK_SES_ENDPOINT=$(DEV_SES_ENDPOINT) \
	AWS_REGION=$(LOCAL_AWS_REGION) AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
	AWS_SESSION_TOKEN= AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true

# Lambda functions: every functions/<name>/ folder holding Go files.
FUNCTIONS := $(sort $(patsubst functions/%/,%,$(dir $(wildcard functions/*/*.go))))

LAMBDA_ENV   = GOOS=linux GOARCH=arm64 CGO_ENABLED=0
LAMBDA_FLAGS = -tags lambda.norpc -trimpath -ldflags "-s -w"
# build-lambda-zip comes from github.com/aws/aws-lambda-go, pinned in go.mod.
ZIPPER = $(BUILD_DIR)/.tools/build-lambda-zip

.PHONY: all run test build assets deploy token seed notify bench cost stop stop-test status clean

all: test

run: assets
	infra/stack.sh start
	$(DEV_ENV) $(GO) run ./infra/runner

# FUNDTRACK_REQUIRE_ASSETS makes the web app's budget test fail, not skip,
# when the front-end assets are missing; FUNDTRACK_REQUIRE_PDFTOTEXT makes
# the browser test of the printed report fail, not skip, without pdftotext.
test: assets
	FUNDTRACK_REQUIRE_ASSETS=1 FUNDTRACK_REQUIRE_PDFTOTEXT=1 infra/test.sh test

# bench/ (results and what each measures: BENCHMARKS.md); raw output in
# build/bench.txt. Needs the assets, so the web function is built as `make build` builds it.
bench: assets
	infra/test.sh bench

build: assets
	@set -e; \
	if [ -z "$(strip $(FUNCTIONS))" ]; then echo "build: no functions/<name>/ with Go files yet: nothing to build"; exit 0; fi; \
	mkdir -p $(dir $(ZIPPER)); \
	$(GO) build -o $(ZIPPER) github.com/aws/aws-lambda-go/cmd/build-lambda-zip; \
	for fn in $(FUNCTIONS); do \
		rm -rf $(BUILD_DIR)/$$fn $(BUILD_DIR)/$$fn.zip; \
		$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(BUILD_DIR)/$$fn/bootstrap ./functions/$$fn; \
		$(ZIPPER) -o $(BUILD_DIR)/$$fn.zip $(BUILD_DIR)/$$fn/bootstrap; \
	done

# Needs the AWS SAM CLI, the AWS CLI and AWS credentials, and the stage's
# session key in Parameter Store (README, "Deploying"). PARAMS is passed to
# sam deploy as one --parameter-overrides argument, so values with spaces go
# in double quotes, e.g.
#   make deploy STACK=fundtrack-prod PARAMS='Stage=prod OperatorName="Leicestershire Partnership NHS Trust" OperatorIsNHS=true MailFrom=fundtrack@trust.nhs.uk AlarmEmail=ops@trust.nhs.uk'
#
# The web app's static files go to the stage's assets bucket (served by
# CloudFront) under their version, which the template passes to the web
# function (AssetsVersion). They are uploaded before the stack changes when
# the bucket exists already, so pages never link a version not there yet,
# and again after (the first deploy creates the bucket). Old versions stay
# for pages still open in browsers.
#
# infra/deploy.sh runs sam deploy, then again with the web app's sign-in
# URLs (the WebCallbackUrl and WebSignedOutUrl outputs) as CallbackUrls and
# LogoutUrls when the stack lacks them and PARAMS does not set them: so a
# first deploy is two, and people can sign in once it ends.
STATIC_DIR = $(BUILD_DIR)/static
upload_assets = bucket=$$(aws cloudformation describe-stacks --stack-name $(STACK) \
		--query "Stacks[0].Outputs[?OutputKey=='AssetsBucketName'].OutputValue" --output text 2>/dev/null || true); \
	if [ -n "$$bucket" ] && [ "$$bucket" != None ]; then \
		aws s3 sync $(STATIC_DIR)/$$version s3://$$bucket/$$version \
			--cache-control 'public, max-age=31536000, immutable' --only-show-errors; \
		echo "deploy: static files $$version in s3://$$bucket/"; \
	else $(1); fi

#
# Last, once the stack runs the code that holds names by their markers,
# the back-fill of the markers of projects and funders stored before them
# (infra/backfill; README, "Deploying"). It writes only what is missing and
# is safe beside people's edits, so every deploy runs it again; it prints
# records that already share a name, for a person to rename, and does not
# fail on them. Its Go client takes credentials and region from the
# environment only, so the AWS CLI's (a profile, SSO) are exported for it
# (aws configure export-credentials: AWS CLI v2.9 or later).
backfill_names = table=$$(aws cloudformation describe-stacks --stack-name $(STACK) \
		--query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text); \
	if [ -z "$$table" ] || [ "$$table" = None ]; then \
		echo "deploy: stack $(STACK) has no TableName output: name markers not back-filled" >&2; exit 1; fi; \
	if [ -z "$${AWS_ACCESS_KEY_ID-}" ]; then eval "$$(aws configure export-credentials --format env)"; fi; \
	FUNDTRACK_TABLE=$$table FUNDTRACK_DYNAMODB_ENDPOINT= \
	AWS_REGION=$${AWS_REGION:-$${AWS_DEFAULT_REGION:-$$(aws configure get region)}} $(GO) run ./infra/backfill || \
	{ echo "deploy: stack $(STACK) is deployed, but the back-fill of name markers failed: run it again (README, Deploying)" >&2; exit 1; }

deploy: export STACK := $(STACK)
deploy: export PARAMS := $(PARAMS)
deploy: build
	@set -e; \
	version=$$($(GO) run ./infra/assets -out $(STATIC_DIR)); \
	$(call upload_assets,:); \
	ASSETS_VERSION=$$version infra/deploy.sh; \
	$(call upload_assets,echo "deploy: stack $(STACK) has no AssetsBucketName output" >&2; exit 1); \
	$(backfill_names)

# The web app's CSS, JavaScript and icons, copied from the pinned npm
# package nhsuk-frontend (git-ignored; embedded by shared/web/static for the
# local runner and tests, uploaded to S3 by make deploy).
assets:
	infra/stack.sh assets

token:
	@$(GO) run ./infra/token -email "$(EMAIL)" -groups "$(TOKEN_GROUPS)"

seed:
	$(DEV_ENV) FUNDTRACK_API=$(DEV_API) $(GO) run ./infra/seed

notify:
	$(DEV_ENV) $(GO) run ./infra/notify

# The cost model's tables; `go run ./infra/cost -w` writes them into
# BENCHMARKS.md (a test in make test holds the two together).
cost:
	@$(GO) run ./infra/cost

stop:
	infra/stack.sh stop

stop-test:
	infra/stack.sh stop --test

status:
	-infra/stack.sh status
	-infra/stack.sh status --test
	-infra/stack.sh runner $(DEV_API)

clean:
	rm -rf $(BUILD_DIR)
