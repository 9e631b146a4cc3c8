#!/usr/bin/env bash
# The one test entry point: installs what the tests need and runs every test. .ci/run, the README and the
# workflows all call this script, so CI, a pull request and a developer's machine run the same tests.
set -euo pipefail
cd "$(dirname "$0")"

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

# The real OAuth 2.0 server the verify command's tests run against (Node.js 20.19+).
npm ci --prefix tests/verify --no-audit --no-fund

# The Auth0 Action's code, under Node's test runner.
node --test tests/actions/ 2>&1 | tee "$logs/node.txt"

dotnet restore Infra.sln
dotnet format Infra.sln --verify-no-changes --no-restore
dotnet test Infra.sln --no-restore 2>&1 | tee "$logs/dotnet.txt"

# One closing line for both runners (each has already failed the run above if any test failed: pipefail).
awk '/^# pass /{p+=$3} /^# fail /{f+=$3}
     /Failed: *[0-9]+, Passed: *[0-9]+/{match($0,/Failed: *[0-9]+/); f+=substr($0,RSTART+7,RLENGTH-7)+0;
                                         match($0,/Passed: *[0-9]+/); p+=substr($0,RSTART+7,RLENGTH-7)+0}
     END{printf "%d passed, %d failed\n", p, f}' "$logs/node.txt" "$logs/dotnet.txt"
