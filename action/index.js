'use strict';
// The GitHub Action is a shim: it turns the step's inputs into one secrets-pipeline command line and environment,
// runs the tool, and passes its exit code on. Masking, exporting, name checks and summaries are the tool's
// (`resolve --format github`), so the same code is tested in the product and in this Action.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const actionRoot = path.resolve(__dirname, '..');

// The runner passes input `some-name` as INPUT_SOME-NAME (spaces become '_', hyphens stay).
function input(name) {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined ? '' : value.trim();
}

function fail(message, code) {
  process.stdout.write(`::error title=secrets-pipeline::${escapeData(message)}\n`);
  process.exit(code);
}

function escapeData(text) {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function run(file, args, options) {
  const result = spawnSync(file, args, { stdio: 'inherit', ...options });
  if (result.error) {
    fail(`could not run ${file}: ${result.error.message}`, 2);
  }
  return result.status === null ? 1 : result.status;
}

// The tool: an explicit path (SECRETS_PIPELINE_TOOL), a published version installed from NuGet, or the Action's own
// checkout built once per job into RUNNER_TEMP.
function tool() {
  if (process.env.SECRETS_PIPELINE_TOOL) {
    return process.env.SECRETS_PIPELINE_TOOL;
  }

  const temp = process.env.RUNNER_TEMP || require('node:os').tmpdir();
  const exe = process.platform === 'win32' ? 'secrets-pipeline.exe' : 'secrets-pipeline';
  const version = input('version');
  if (version) {
    if (!/^[0-9A-Za-z.+-]+$/.test(version)) {
      fail(`input 'version' is not a package version: '${version}'.`, 2);
    }
    const dir = path.join(temp, 'secrets-pipeline', version);
    if (!fs.existsSync(path.join(dir, exe))) {
      process.stdout.write(`::group::Install secrets-pipeline ${version}\n`);
      const code = run('dotnet', ['tool', 'install', 'secrets-pipeline', '--version', version, '--tool-path', dir]);
      process.stdout.write('::endgroup::\n');
      if (code !== 0) {
        fail(`dotnet tool install secrets-pipeline --version ${version} failed (exit ${code}).`, 2);
      }
    }
    return path.join(dir, exe);
  }

  const dir = path.join(temp, 'secrets-pipeline', 'from-source');
  if (!fs.existsSync(path.join(dir, exe))) {
    process.stdout.write('::group::Build secrets-pipeline from the Action\'s checkout\n');
    const project = path.join(actionRoot, 'src', 'SecretsPipeline.Cli', 'SecretsPipeline.Cli.csproj');
    const code = run('dotnet', ['publish', project, '-c', 'Release', '-o', dir, '--nologo']);
    process.stdout.write('::endgroup::\n');
    if (code !== 0) {
      fail(`building secrets-pipeline from ${actionRoot} failed (exit ${code}); set input 'version' to use a published one.`, 2);
    }
  }
  return path.join(dir, exe);
}

function commandLine() {
  const command = input('command') || 'resolve';
  const environment = input('environment');
  const args = [command];
  switch (command) {
    case 'resolve': {
      args.push('--format', 'github');
      if (input('export-env').toLowerCase() === 'false') {
        args.push('--no-export-env');
      }
      if (input('outputs')) {
        args.push('--step-output', input('outputs'));
      }
      if (input('out-file')) {
        args.push('--out', input('out-file'));
      }
      break;
    }
    case 'verify':
      break;
    case 'lock':
      break;
    case 'diff': {
      const base = input('base');
      args.push(base || 'HEAD', 'HEAD');
      break;
    }
    default:
      fail(`input 'command' is '${command}'; use resolve, verify, lock or diff.`, 2);
  }

  if (environment) {
    args.push('--env', environment);
  }
  if (input('manifest')) {
    args.push('--manifest', input('manifest'));
  }
  if (input('lock')) {
    args.push('--lock', input('lock'));
  }
  if (command !== 'lock' && process.env.GITHUB_STEP_SUMMARY) {
    args.push('--summary', process.env.GITHUB_STEP_SUMMARY);
  }
  return args;
}

// Vault settings reach the tool through its environment only, never its arguments (which show in process lists).
function environment() {
  const env = { ...process.env };
  const settings = {
    address: 'VAULT_ADDR',
    namespace: 'VAULT_NAMESPACE',
    auth: 'SECRETS_PIPELINE_VAULT_AUTH',
    'jwt-role': 'VAULT_JWT_ROLE',
    'jwt-audience': 'VAULT_JWT_AUDIENCE',
    'jwt-mount': 'VAULT_JWT_MOUNT',
    token: 'VAULT_TOKEN',
  };
  for (const [name, variable] of Object.entries(settings)) {
    if (input(name)) {
      env[variable] = input(name);
    }
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith('INPUT_')) {
      delete env[key];
    }
  }
  return env;
}

function main() {
  if (input('token')) {
    // Secrets from the secrets context are masked already; a token from elsewhere is masked here, first.
    process.stdout.write(`::add-mask::${escapeData(input('token'))}\n`);
  }
  const args = commandLine();
  const cwd = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), input('working-directory') || '.');
  const exe = tool();
  const code = run(exe, args, { cwd, env: environment() });
  if (code !== 0) {
    fail(`secrets-pipeline ${args[0]} failed (exit ${code}); the error above says what and what to do.`, code);
  }
}

main();
