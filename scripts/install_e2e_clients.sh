#!/usr/bin/env bash
# Installs the pinned real clients used by tests/e2e into .e2e/ (git-ignored). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
CODEX_VERSION=0.171.0
CLAUDE_VERSION=2.1.332
want="codex@${CODEX_VERSION} claude@${CLAUDE_VERSION}"
if [ -f .e2e/installed ] && [ "$(cat .e2e/installed)" = "$want" ]; then
  exit 0
fi
mkdir -p .e2e
npm install --prefix .e2e --no-audit --no-fund --loglevel=error \
  "@openai/codex@${CODEX_VERSION}" "@anthropic-ai/claude-code@${CLAUDE_VERSION}"
echo "$want" > .e2e/installed
