'use strict';
// The task under the task library's mock runner: inputs in, the tool's arguments, environment and the task result out.
// The tool itself is faked here (scenario-run.js); tests/SecretsPipeline.EndToEnd.Tests runs the real one.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { MockTestRunner } = require('azure-pipelines-task-lib/mock-test');

const TOKEN = 'hvs.mock-token-6f1c2b';
const SECRET_ID = 'secret-id-9d8e7f';
const ACCESS_TOKEN = 'system-access-token-41a2';
const OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYzovL29yZy9wcm9qL2Nvbm4ifQ.c2lnbmF0dXJl';
const SERVICE_CONNECTION = '0d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6';

async function runTask(scenario) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spl-task-test-'));
  const scenarioPath = path.join(dir, 'scenario.json');
  scenario.variables = { 'Agent.TempDirectory': dir, 'System.DefaultWorkingDirectory': dir, ...(scenario.variables || {}) };
  fs.writeFileSync(scenarioPath, JSON.stringify(scenario));

  const saved = { SCENARIO: process.env.SCENARIO, SECRETS_PIPELINE_TASK_TOOL: process.env.SECRETS_PIPELINE_TASK_TOOL };
  process.env.SCENARIO = scenarioPath;
  delete process.env.SECRETS_PIPELINE_TASK_TOOL;
  try {
    const runner = new MockTestRunner(path.join(__dirname, 'scenario-run.js'), path.join(__dirname, '..', 'task.json'));
    // Run with the node that runs these tests (20+, as Node20_1): the runner would otherwise download one.
    runner.nodePath = process.execPath;
    await runner.runAsync();
    const read = (suffix) => (fs.existsSync(scenarioPath + suffix) ? JSON.parse(fs.readFileSync(scenarioPath + suffix, 'utf8')) : []);
    return { runner, calls: read('.calls.json'), oidc: read('.oidc.json'), dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

// Reading or logging an input must not print a secret: only the line that registers it with the masker may hold it.
function assertOnlyInSetSecret(stdout, secret) {
  for (const line of stdout.split('\n').filter((l) => l.includes(secret))) {
    assert.ok(line.startsWith(`##vso[task.setsecret]${secret}`), `a secret is printed: ${line}`);
  }
}

function explain(result) {
  return `stdout:\n${result.runner.stdout}\nstderr:\n${result.runner.stderr}`;
}

const TOOL_OUTPUT = [
  '##vso[task.setsecret]line-two',
  '##vso[task.setvariable variable=DB_PASSWORD;issecret=true]line-one%0Aline-two',
  '##vso[task.setvariable variable=DB_PASSWORD;isoutput=true;issecret=true]line-one%0Aline-two',
  '',
].join('\n');

test('resolve maps inputs to arguments and the token to the environment, never to the arguments', async () => {
  const result = await runTask({
    inputs: {
      command: 'resolve',
      environment: 'production',
      outputs: 'DB_PASSWORD, API_KEY\nDB_USERNAME',
      exportEnv: 'false',
      manifest: '/repo/deploy/secrets.yaml',
      lock: '/repo/deploy/secrets.lock.json',
      vaultAddress: 'https://vault.example.com:8200',
      vaultNamespace: 'team-a',
      auth: 'token',
      token: TOKEN,
      workingDirectory: '/repo',
    },
    tool: { 'secrets-pipeline': { code: 0, stdout: TOOL_OUTPUT } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  assert.equal(result.calls.length, 1, explain(result));
  const [call] = result.calls;
  assert.equal(call.toolPath, '/opt/fake/secrets-pipeline');
  assert.deepEqual(call.args, [
    'resolve', '--env', 'production', '--format', 'azure-devops',
    '--step-output', 'DB_PASSWORD', '--step-output', 'API_KEY', '--step-output', 'DB_USERNAME',
    '--no-export-env',
    '--manifest', '/repo/deploy/secrets.yaml', '--lock', '/repo/deploy/secrets.lock.json',
  ]);
  assert.equal(call.cwd, '/repo');
  assert.equal(call.ignoreReturnCode, true);
  assert.equal(call.env.VAULT_TOKEN, TOKEN);
  assert.equal(call.env.VAULT_ADDR, 'https://vault.example.com:8200');
  assert.equal(call.env.VAULT_NAMESPACE, 'team-a');
  assert.equal(call.env.SECRETS_PIPELINE_VAULT_AUTH, 'token');
  assert.ok(!call.args.some((a) => a.includes(TOKEN)), 'the token is in the arguments');
  // The child inherits none of the task's inputs (the token is one of them).
  assert.deepEqual(Object.keys(call.env).filter((n) => /^INPUT_/i.test(n)), []);
  // The tool's logging commands reach the agent unchanged, and the token is registered as a secret before the tool runs.
  assert.ok(result.runner.stdout.includes(TOOL_OUTPUT), explain(result));
  assert.ok(result.runner.stdout.indexOf(`##vso[task.setsecret]${TOKEN}`) < result.runner.stdout.indexOf(TOOL_OUTPUT), explain(result));
  assertOnlyInSetSecret(result.runner.stdout, TOKEN);
});

test('exportEnv left at its default passes no --no-export-env, and an unset manifest passes no --manifest', async () => {
  const result = await runTask({
    inputs: { command: 'resolve', environment: 'staging', exportEnv: 'true' },
    tool: { 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  assert.deepEqual(result.calls[0].args, ['resolve', '--env', 'staging', '--format', 'azure-devops']);
  assert.equal(result.calls[0].cwd, result.dir);
});

test('a failing tool fails the task with its exit code and SPL diagnostic', async () => {
  const result = await runTask({
    inputs: { command: 'resolve', environment: 'production', auth: 'token', token: TOKEN },
    tool: {
      'secrets-pipeline': {
        code: 1,
        stderr: 'secrets.lock.json: error SPL3003: DB_PASSWORD version 4 (production) was revoked as compromised; the newest good version is 5\n',
      },
    },
  });

  assert.ok(result.runner.failed, explain(result));
  const issue = result.runner.errorIssues.join('\n');
  assert.match(issue, /exited with code 1 \(verification or resolution failed\)/);
  assert.match(issue, /SPL3003: DB_PASSWORD version 4/);
});

test('a lock out of date (exit 3) fails the task and says so', async () => {
  const result = await runTask({ inputs: { command: 'verify' }, tool: { 'secrets-pipeline': { code: 3 } } });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /exited with code 3 \(the lock is out of date with secrets.yaml\)/);
});

for (const command of ['verify', 'diff']) {
  test(`${command} passes --summary in the agent's temp directory and uploads the summary, also when it fails`, async () => {
    const result = await runTask({
      inputs: { command, environment: 'production' },
      tool: { 'secrets-pipeline': { code: 1, writeSummary: true } },
    });

    assert.ok(result.runner.failed, explain(result));
    const { args } = result.calls[0];
    assert.deepEqual(args.slice(0, 3), [command, '--env', 'production']);
    const summary = args[args.indexOf('--summary') + 1];
    assert.ok(summary, `no --summary in ${args.join(' ')}`);
    assert.equal(path.dirname(summary), result.dir);
    assert.match(path.basename(summary), new RegExp(`^secrets-pipeline-${command}-.+\\.md$`));
    assert.ok(result.runner.stdout.includes(`##vso[task.uploadsummary]${summary}`), explain(result));
  });
}

test('resolve and lock pass no --summary (resolve publishes its own through the tool)', async () => {
  for (const command of ['resolve', 'lock']) {
    const result = await runTask({ inputs: { command, environment: 'production' }, tool: { 'secrets-pipeline': { code: 0 } } });
    assert.ok(result.runner.succeeded, explain(result));
    assert.ok(!result.calls[0].args.includes('--summary'), result.calls[0].args.join(' '));
    assert.ok(!result.runner.stdout.includes('##vso[task.uploadsummary]'), explain(result));
  }
});

test('jwt auth requests the pipeline OIDC token and passes it as VAULT_JWT, registered as a secret', async () => {
  const result = await runTask({
    inputs: {
      command: 'resolve',
      environment: 'production',
      auth: 'jwt',
      jwtRole: 'deploy-production',
      jwtAudience: 'api://AzureADTokenExchange',
      serviceConnection: SERVICE_CONNECTION,
    },
    oidc: { token: OIDC_TOKEN, accessToken: ACCESS_TOKEN },
    tool: { 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  assert.equal(result.oidc.length, 1, explain(result));
  const [request] = result.oidc;
  assert.equal(request.method, 'POST');
  const url = new URL(request.url, 'http://127.0.0.1');
  assert.equal(url.pathname, '/org-guid/project-guid/_apis/distributedtask/hubs/build/plans/plan-guid/jobs/job-guid/oidctoken');
  assert.equal(url.searchParams.get('api-version'), '7.1');
  assert.equal(url.searchParams.get('serviceConnectionId'), SERVICE_CONNECTION);
  assert.equal(request.authorization, `Bearer ${ACCESS_TOKEN}`);

  const [call] = result.calls;
  assert.equal(call.env.VAULT_JWT, OIDC_TOKEN);
  assert.equal(call.env.VAULT_JWT_ROLE, 'deploy-production');
  assert.equal(call.env.VAULT_JWT_AUDIENCE, 'api://AzureADTokenExchange');
  assert.equal(call.env.SECRETS_PIPELINE_VAULT_AUTH, 'jwt');
  assert.equal(call.env.VAULT_TOKEN, undefined);
  assert.ok(!call.args.some((a) => a.includes(OIDC_TOKEN) || a.includes(ACCESS_TOKEN)), call.args.join(' '));
  assert.ok(!Object.keys(call.env).some((n) => /ACCESSTOKEN/i.test(n)), 'the child got the pipeline access token');
  assert.ok(result.runner.stdout.includes(`##vso[task.setsecret]${OIDC_TOKEN}`), explain(result));
  assertOnlyInSetSecret(result.runner.stdout, OIDC_TOKEN);
  assert.ok(!(result.runner.stdout + result.runner.stderr).includes(ACCESS_TOKEN), 'the pipeline access token is printed');
});

test('jwt auth without a service connection asks for a pipeline-scoped token', async () => {
  const result = await runTask({
    inputs: { command: 'verify', auth: 'jwt', jwtRole: 'verify' },
    oidc: { token: OIDC_TOKEN, accessToken: ACCESS_TOKEN },
    tool: { 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  const url = new URL(result.oidc[0].url, 'http://127.0.0.1');
  assert.equal(url.searchParams.has('serviceConnectionId'), false);
});

test('an OIDC endpoint that refuses fails the task with SPL5302 before the tool runs', async () => {
  const result = await runTask({
    inputs: { command: 'resolve', environment: 'production', auth: 'jwt', jwtRole: 'r', serviceConnection: SERVICE_CONNECTION },
    oidc: { token: '', accessToken: ACCESS_TOKEN, status: 401 },
    tool: { 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /SPL5302: the pipeline OIDC endpoint answered 401/);
  assert.equal(result.calls.length, 0);
});

test('jwt auth outside a pipeline with OIDC fails with SPL5302', async () => {
  const result = await runTask({ inputs: { command: 'verify', auth: 'jwt' }, tool: { 'secrets-pipeline': { code: 0 } } });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /SPL5302: JWT auth needs the pipeline OIDC endpoint/);
  assert.equal(result.calls.length, 0);
});

test('resolve without an environment fails with SPL5301 and runs nothing', async () => {
  const result = await runTask({ inputs: { command: 'resolve' }, tool: { 'secrets-pipeline': { code: 0 } } });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /SPL5301: the 'environment' input is required for resolve/);
  assert.equal(result.calls.length, 0);
});

test('approle passes the role id and secret id in the environment and masks the secret id', async () => {
  const result = await runTask({
    inputs: { command: 'lock', auth: 'approle', roleId: 'role-1234', secretId: SECRET_ID },
    tool: { 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  const [call] = result.calls;
  assert.deepEqual(call.args, ['lock']);
  assert.equal(call.env.VAULT_ROLE_ID, 'role-1234');
  assert.equal(call.env.VAULT_SECRET_ID, SECRET_ID);
  assert.equal(call.env.SECRETS_PIPELINE_VAULT_AUTH, 'approle');
  assert.ok(result.runner.stdout.includes(`##vso[task.setsecret]${SECRET_ID}`), explain(result));
  assertOnlyInSetSecret(result.runner.stdout, SECRET_ID);
});

test('toolVersion installs that version into the agent temp directory with dotnet tool install, then runs it', async () => {
  const result = await runTask({
    inputs: { command: 'verify', toolVersion: '1.2.3', auth: 'token', token: TOKEN },
    tool: { dotnet: { code: 0 }, 'secrets-pipeline': { code: 0 } },
  });

  assert.ok(result.runner.succeeded, explain(result));
  assert.equal(result.calls.length, 2, explain(result));
  const toolPath = path.join(result.dir, 'secrets-pipeline', '1.2.3');
  assert.equal(result.calls[0].toolPath, '/opt/fake/dotnet');
  assert.deepEqual(result.calls[0].args, ['tool', 'install', 'secrets-pipeline', '--version', '1.2.3', '--tool-path', toolPath]);
  assert.equal(result.calls[1].toolPath, path.join(toolPath, 'secrets-pipeline'));
  // The install runs where the tool runs (for the repository's nuget.config) and gets no Vault secret.
  assert.equal(result.calls[0].cwd, result.dir);
  assert.deepEqual(Object.keys(result.calls[0].env).filter((n) => /^VAULT_/.test(n)), []);
});

test('without toolVersion and without the tool on PATH the task fails with SPL5303', async () => {
  const result = await runTask({ inputs: { command: 'verify' }, notOnPath: ['secrets-pipeline'], tool: {} });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /SPL5303: secrets-pipeline is not on PATH; set the toolVersion input/);
  assert.equal(result.calls.length, 0);
});

test('a failed tool install fails the task with SPL5303', async () => {
  const result = await runTask({
    inputs: { command: 'verify', toolVersion: '9.9.9' },
    tool: { dotnet: { code: 1 } },
  });

  assert.ok(result.runner.failed, explain(result));
  assert.match(result.runner.errorIssues.join('\n'), /SPL5303: dotnet tool install secrets-pipeline --version 9.9.9 exited with code 1/);
  assert.equal(result.calls.length, 1);
});
