'use strict';
// The SecretsPipeline Azure Pipelines task: a shim over the secrets-pipeline tool. It maps inputs to arguments and
// variables, passes secrets only through the child's environment (never its arguments, which show in process lists
// and in the task log), runs the tool with its standard output passed through unchanged so the tool's own escaped
// ##vso logging commands reach the agent, and sets the task result from the exit code. Masking, escaping and every
// check are the tool's (SecretsPipeline.Core), not this file's.

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tl = require('azure-pipelines-task-lib/task');
const tlInternal = require('azure-pipelines-task-lib/internal');

const TOOL = 'secrets-pipeline';
const EXIT_MEANINGS = { 1: 'verification or resolution failed', 2: 'usage or configuration error', 3: 'the lock is out of date with secrets.yaml' };

// Variables the child must not inherit: the agent hands the task its inputs, secret variables and endpoint
// credentials through the environment, and the tool needs none of them beyond what is mapped below.
const NOT_INHERITED = [/^INPUT_/i, /^SECRET_/i, /^ENDPOINT_AUTH_/i, /^SYSTEM_ACCESSTOKEN$/i];

class TaskError extends Error {
  constructor(code, message) {
    super(`error ${code}: ${message}`);
  }
}

function input(name) {
  const value = tl.getInput(name, false);
  return value && value.trim().length > 0 ? value.trim() : undefined;
}

function pathInput(name) {
  return tl.filePathSupplied(name) ? tl.getPathInput(name, false, false) : undefined;
}

// tl.getInput and tl.getEndpointAuthorizationParameter echo each value they read as a task.debug line. Secrets are
// read from the task library's own store instead, so nothing prints them before they are registered with the masker.
function storedSecret(key) {
  const value = tlInternal._vault.retrieveSecret(key);
  return value && value.trim().length > 0 ? value.trim() : undefined;
}

function secretInput(name) {
  const value = storedSecret(`INPUT_${tlInternal._getVariableKey(name)}`);
  if (value) {
    tl.setSecret(value);
  }

  return value;
}

function buildArgs(command, summaryPath) {
  const environment = input('environment');
  const args = [command];
  if (command === 'resolve') {
    if (!environment) {
      throw new TaskError('SPL5301', "the 'environment' input is required for resolve.");
    }

    args.push('--env', environment, '--format', 'azure-devops');
    const outputs = (input('outputs') || '').split(/[\s,]+/).filter((n) => n.length > 0);
    for (const name of outputs) {
      args.push('--step-output', name);
    }

    // Unset means the task.json default (true); only an explicit false keeps the values out of the job's variables.
    if (input('exportEnv') !== undefined && !tl.getBoolInput('exportEnv', false)) {
      args.push('--no-export-env');
    }
  } else if (environment) {
    args.push('--env', environment);
  }

  const manifest = pathInput('manifest');
  if (manifest) {
    args.push('--manifest', manifest);
  }

  const lock = pathInput('lock');
  if (lock) {
    args.push('--lock', lock);
  }

  if (summaryPath) {
    args.push('--summary', summaryPath);
  }

  return args;
}

async function requestOidcToken() {
  const requestUri = tl.getVariable('System.OidcRequestUri');
  // The agent registers System.AccessToken with its masker itself.
  const accessToken = storedSecret('ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN') || tl.getVariable('System.AccessToken');
  if (!requestUri || !accessToken) {
    throw new TaskError('SPL5302', 'JWT auth needs the pipeline OIDC endpoint (System.OidcRequestUri, agent 3.225 or later) and System.AccessToken; neither may be missing.');
  }

  const url = new URL(requestUri);
  url.searchParams.set('api-version', '7.1');
  const connection = input('serviceConnection');
  if (connection) {
    url.searchParams.set('serviceConnectionId', connection);
  }

  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
    });
  } catch (err) {
    throw new TaskError('SPL5302', `the pipeline OIDC endpoint could not be reached (${err.message}).`);
  }

  if (!response.ok) {
    throw new TaskError('SPL5302', `the pipeline OIDC endpoint answered ${response.status}; check that the pipeline may use the service connection${connection ? '' : ' (none was given: a pipeline-scoped token was asked for)'}.`);
  }

  const body = await response.json().catch(() => ({}));
  if (typeof body.oidcToken !== 'string' || body.oidcToken.length === 0) {
    throw new TaskError('SPL5302', 'the pipeline OIDC endpoint returned no oidcToken.');
  }

  tl.setSecret(body.oidcToken);
  return body.oidcToken;
}

async function buildEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!NOT_INHERITED.some((pattern) => pattern.test(name))) {
      env[name] = value;
    }
  }

  const set = (name, value) => {
    if (value) {
      env[name] = value;
    }
  };
  set('VAULT_ADDR', input('vaultAddress'));
  set('VAULT_NAMESPACE', input('vaultNamespace'));
  const auth = input('auth') || 'token';
  if (!['token', 'approle', 'jwt'].includes(auth)) {
    throw new TaskError('SPL5301', `auth '${auth}' is not token, approle or jwt.`);
  }

  env.SECRETS_PIPELINE_VAULT_AUTH = auth;
  if (auth === 'token') {
    set('VAULT_TOKEN', secretInput('token'));
  } else if (auth === 'approle') {
    set('VAULT_ROLE_ID', input('roleId'));
    set('VAULT_SECRET_ID', secretInput('secretId'));
  } else {
    set('VAULT_JWT_ROLE', input('jwtRole'));
    set('VAULT_JWT_AUDIENCE', input('jwtAudience'));
    env.VAULT_JWT = await requestOidcToken();
  }

  return env;
}

async function acquireTool(cwd) {
  const override = process.env.SECRETS_PIPELINE_TASK_TOOL;
  if (override) {
    return override;
  }

  const version = input('toolVersion');
  if (!version) {
    const found = tl.which(TOOL, false);
    if (!found) {
      throw new TaskError('SPL5303', `${TOOL} is not on PATH; set the toolVersion input to install it, or install it in an earlier step.`);
    }

    return found;
  }

  const temp = tl.getVariable('Agent.TempDirectory') || require('os').tmpdir();
  const toolPath = path.join(temp, TOOL, version);
  const exe = path.join(toolPath, process.platform === 'win32' ? `${TOOL}.exe` : TOOL);
  if (!fs.existsSync(exe)) {
    // Run where the tool will run, so the repository's nuget.config (a private feed, say) applies; no Vault secrets.
    const code = await tl.tool(tl.which('dotnet', true))
      .arg(['tool', 'install', TOOL, '--version', version, '--tool-path', toolPath])
      .execAsync({ cwd, ignoreReturnCode: true });
    if (code !== 0) {
      throw new TaskError('SPL5303', `dotnet tool install ${TOOL} --version ${version} exited with code ${code}; check the version and the NuGet feeds of the working directory's nuget.config.`);
    }
  }

  return exe;
}

function summaryFileFor(command) {
  if (command !== 'verify' && command !== 'diff') {
    return undefined;
  }

  const temp = tl.getVariable('Agent.TempDirectory') || require('os').tmpdir();
  return path.join(temp, `secrets-pipeline-${command}-${crypto.randomUUID()}.md`);
}

async function run() {
  const command = input('command') || 'resolve';
  if (!['resolve', 'verify', 'lock', 'diff'].includes(command)) {
    throw new TaskError('SPL5301', `command '${command}' is not resolve, verify, lock or diff.`);
  }

  const summaryPath = summaryFileFor(command);
  const args = buildArgs(command, summaryPath);
  const env = await buildEnv();
  const cwd = pathInput('workingDirectory') || tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();
  const exe = await acquireTool(cwd);

  const stderr = [];
  const tool = tl.tool(exe).arg(args);
  tool.on('stderr', (data) => stderr.push(data.toString()));
  const code = await tool.execAsync({ cwd, env, ignoreReturnCode: true, failOnStdErr: false });

  // verify and diff write their summary even when they fail; resolve publishes its own through the tool's ##vso line.
  if (summaryPath && fs.existsSync(summaryPath)) {
    tl.uploadSummary(summaryPath);
  }

  if (code === 0) {
    tl.setResult(tl.TaskResult.Succeeded, `secrets-pipeline ${command} succeeded`);
    return;
  }

  const diagnostic = stderr.join('').split(/\r?\n/).filter((line) => /\bSPL\d{4}\b/.test(line)).pop();
  const meaning = EXIT_MEANINGS[code] || 'unexpected exit';
  tl.setResult(tl.TaskResult.Failed, `secrets-pipeline ${command} exited with code ${code} (${meaning})${diagnostic ? `: ${diagnostic.trim()}` : ''}`);
}

run().catch((err) => tl.setResult(tl.TaskResult.Failed, err instanceof TaskError ? err.message : `secrets-pipeline task: ${err.message}`));
