'use strict';
// The mock-run side of the tests: MockTestRunner starts this file as its own process. It reads a scenario (inputs,
// variables, what the fake tool answers) from the JSON file named by SCENARIO, records every tool invocation (path,
// arguments, options and the child's environment) to SCENARIO.calls.json, optionally serves a fake pipeline OIDC
// endpoint on 127.0.0.1 (recording each request to SCENARIO.oidc.json), then runs index.js under the mock task lib.

const fs = require('fs');
const http = require('http');
const path = require('path');
const { TaskMockRunner } = require('azure-pipelines-task-lib/mock-run');

const scenarioPath = process.env.SCENARIO;
const scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
const calls = [];
const oidcRequests = [];

function fakeTool(toolPath) {
  const args = [];
  const listeners = {};
  const runner = {
    arg(value) {
      args.push(...(Array.isArray(value) ? value : [value]));
      return runner;
    },
    on(event, listener) {
      listeners[event] = listener;
      return runner;
    },
    execAsync(options) {
      const env = options.env || process.env;
      calls.push({ toolPath, args, cwd: options.cwd, ignoreReturnCode: options.ignoreReturnCode, env });
      fs.writeFileSync(`${scenarioPath}.calls.json`, JSON.stringify(calls, null, 2));
      const answer = (scenario.tool || {})[path.basename(toolPath)] || {};
      const summaryAt = args.indexOf('--summary');
      if (answer.writeSummary && summaryAt >= 0) {
        fs.writeFileSync(args[summaryAt + 1], '### secrets-pipeline summary\n');
      }

      // As the real ToolRunner does: the child's standard output goes to ours byte for byte.
      process.stdout.write(answer.stdout || '');
      if (answer.stderr && listeners.stderr) {
        listeners.stderr(Buffer.from(answer.stderr));
      }

      return Promise.resolve(answer.code || 0);
    },
  };
  return runner;
}

function startOidcServer() {
  return new Promise((resolve) => {
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        oidcRequests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
        fs.writeFileSync(`${scenarioPath}.oidc.json`, JSON.stringify(oidcRequests, null, 2));
        response.writeHead(scenario.oidc.status || 200, { 'Content-Type': 'application/json', Connection: 'close' });
        response.end(JSON.stringify({ oidcToken: scenario.oidc.token }));
        server.close();
      });
    });
    // Unreferenced: a task that never asks for a token must still exit.
    server.unref();
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/org-guid/project-guid/_apis/distributedtask/hubs/build/plans/plan-guid/jobs/job-guid/oidctoken`));
  });
}

async function main() {
  const runner = new TaskMockRunner(path.join(__dirname, '..', 'index.js'));
  for (const [name, value] of Object.entries(scenario.inputs || {})) {
    runner.setInput(name, value);
  }

  // As the agent passes them: each variable as an environment variable, '.' as '_', upper case.
  const setVariable = (name, value) => { process.env[name.replace(/\./g, '_').toUpperCase()] = value; };
  for (const [name, value] of Object.entries(scenario.variables || {})) {
    setVariable(name, value);
  }

  for (const [name, value] of Object.entries(scenario.env || {})) {
    process.env[name] = value;
  }

  if (scenario.oidc) {
    setVariable('System.OidcRequestUri', await startOidcServer());
    process.env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN = scenario.oidc.accessToken;
  }

  const which = { 'secrets-pipeline': '/opt/fake/secrets-pipeline', dotnet: '/opt/fake/dotnet' };
  for (const name of scenario.notOnPath || []) {
    delete which[name];
  }

  runner.setAnswers({
    which,
    checkPath: { '/opt/fake/secrets-pipeline': true, '/opt/fake/dotnet': true },
  });
  runner.registerMockExport('tool', fakeTool);
  runner.run();
}

main();
