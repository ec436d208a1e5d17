#!/usr/bin/env bash
# Shim for action.yml: runs the tool built from the Action's own checkout. It only passes inputs through;
# every decision is the tool's. Commands that output values (resolve) wait for the GitHub integration,
# which adds masking before anything is printed.
set -euo pipefail
case "$SP_COMMAND" in
  verify|lock) ;;
  *) echo "::error::secrets-pipeline action: command '$SP_COMMAND' is not supported yet; use verify or lock." >&2; exit 2 ;;
esac
args=("$SP_COMMAND")
if [ -n "$SP_ENVIRONMENT" ]; then args+=(--env "$SP_ENVIRONMENT"); fi
exec dotnet run --project "$SP_ACTION_PATH/src/SecretsPipeline.Cli/SecretsPipeline.Cli.csproj" -c Release -- "${args[@]}"
