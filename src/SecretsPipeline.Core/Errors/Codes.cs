namespace SecretsPipeline.Core.Errors;

/// <summary>
/// The one registry of diagnostic codes. Ranges: 1xxx manifest, 2xxx lock and signature, 3xxx stores,
/// 4xxx git, 5xxx CI hosts (52xx the GitHub API), 9xxx usage and environment. The README lists every code; a test keeps the two in step.
/// </summary>
public static class Codes
{
    // 1xxx: secrets.yaml
    public static readonly ErrorCode ManifestSyntax = new("SPL1001", ExitCodes.Usage, "secrets.yaml is not valid YAML");
    public static readonly ErrorCode ManifestUnknownKey = new("SPL1002", ExitCodes.Usage, "unknown key in secrets.yaml");
    public static readonly ErrorCode ManifestVersion = new("SPL1003", ExitCodes.Usage, "missing or unsupported manifest `version`");
    public static readonly ErrorCode ManifestBadRef = new("SPL1004", ExitCodes.Usage, "a secret `ref` is not `<mount>/<path>#<key>`");
    public static readonly ErrorCode ManifestMissingStore = new("SPL1005", ExitCodes.Usage, "an environment names a store that is not declared");
    public static readonly ErrorCode ManifestDuplicate = new("SPL1006", ExitCodes.Usage, "a key or name is declared twice");
    public static readonly ErrorCode ManifestBadName = new("SPL1007", ExitCodes.Usage, "a secret name is not a valid variable name");
    public static readonly ErrorCode ManifestUnknownStoreType = new("SPL1008", ExitCodes.Usage, "a store has an unknown `type`");
    public static readonly ErrorCode ManifestRefOrDynamic = new("SPL1009", ExitCodes.Usage, "a secret needs exactly one of `ref` and `dynamic`");
    public static readonly ErrorCode ManifestWrongType = new("SPL1010", ExitCodes.Usage, "a value has the wrong YAML type");
    public static readonly ErrorCode ManifestMissingKey = new("SPL1011", ExitCodes.Usage, "a required key is missing");
    public static readonly ErrorCode ManifestBadPlaceholder = new("SPL1012", ExitCodes.Usage, "a `${...}` placeholder is not known");
    public static readonly ErrorCode ManifestBadDuration = new("SPL1013", ExitCodes.Usage, "a duration is not valid");
    public static readonly ErrorCode ManifestOutputCollision = new("SPL1014", ExitCodes.Usage, "two entries would output the same variable");
    public static readonly ErrorCode ManifestNotFound = new("SPL1015", ExitCodes.Usage, "secrets.yaml was not found");
    public static readonly ErrorCode ManifestBadValue = new("SPL1016", ExitCodes.Usage, "a value is not allowed here");

    // 2xxx: secrets.lock.json and signatures
    public static readonly ErrorCode LockUnreadable = new("SPL2001", ExitCodes.Failed, "secrets.lock.json is not a valid lock");
    public static readonly ErrorCode LockNotCanonical = new("SPL2002", ExitCodes.Failed, "secrets.lock.json was changed outside the tool");
    public static readonly ErrorCode LockUnsigned = new("SPL2003", ExitCodes.Failed, "secrets.lock.json has no signature");
    public static readonly ErrorCode LockBadSignature = new("SPL2004", ExitCodes.Failed, "a signature does not match the lock's content");
    public static readonly ErrorCode LockUntrusted = new("SPL2005", ExitCodes.Failed, "no signature is from a trusted key");
    public static readonly ErrorCode LockStale = new("SPL2006", ExitCodes.LockOutOfDate, "the lock was made from a different secrets.yaml");
    public static readonly ErrorCode LockNotFound = new("SPL2007", ExitCodes.Failed, "secrets.lock.json was not found");
    public static readonly ErrorCode LockMissingPin = new("SPL2008", ExitCodes.LockOutOfDate, "an environment or secret has no pin");
    public static readonly ErrorCode SigningKeyMissing = new("SPL2009", ExitCodes.Usage, "no signing key: run `secrets-pipeline init`");
    public static readonly ErrorCode TrustKeyInvalid = new("SPL2010", ExitCodes.Usage, "a trusted key is not a valid public key");
    public static readonly ErrorCode SigningKeyInvalid = new("SPL2011", ExitCodes.Usage, "the signing key is not a valid ECDSA P-256 private key");

    // 3xxx: stores
    public static readonly ErrorCode SecretNotFound = new("SPL3001", ExitCodes.Failed, "the secret does not exist in the store");
    public static readonly ErrorCode VersionMissing = new("SPL3002", ExitCodes.Failed, "the pinned version does not exist (never written or pruned)");
    public static readonly ErrorCode VersionRevoked = new("SPL3003", ExitCodes.Failed, "the pinned version was revoked as compromised");
    public static readonly ErrorCode VersionDeleted = new("SPL3004", ExitCodes.Failed, "the pinned version is soft-deleted");
    public static readonly ErrorCode VersionDestroyed = new("SPL3005", ExitCodes.Failed, "the pinned version was destroyed");
    public static readonly ErrorCode VersionReplaced = new("SPL3006", ExitCodes.Failed, "the pinned version's creation time differs: the key was recreated");
    public static readonly ErrorCode CheckAndSetMismatch = new("SPL3007", ExitCodes.Failed, "another writer changed the secret first");
    public static readonly ErrorCode StoreKeyMissing = new("SPL3008", ExitCodes.Usage, "the embedded store's encryption key is missing or wrong");
    public static readonly ErrorCode StoreCorrupt = new("SPL3009", ExitCodes.Failed, "a stored value failed its integrity check");
    public static readonly ErrorCode StoreUnavailable = new("SPL3010", ExitCodes.Failed, "the store could not be opened or reached");
    public static readonly ErrorCode StoreUnsupported = new("SPL3011", ExitCodes.Usage, "the store does not support this operation");
    public static readonly ErrorCode StoreBadRef = new("SPL3012", ExitCodes.Usage, "a store reference given on the command line is not valid");
    public static readonly ErrorCode RetentionWarning = new("SPL3013", ExitCodes.Ok, "warning: store retention will remove a pinned version soon");
    public static readonly ErrorCode LeaseInvalid = new("SPL3014", ExitCodes.Failed, "the lease does not exist, expired or was revoked");
    public static readonly ErrorCode LedgerUnsupported = new("SPL3015", ExitCodes.Usage, "the store keeps no deployment ledger or audit trail");
    public static readonly ErrorCode DeploymentUnknown = new("SPL3016", ExitCodes.Failed, "no deployment with that id is in the ledger");
    public static readonly ErrorCode AuditBroken = new("SPL3017", ExitCodes.Failed, "the audit trail's hash chain is broken");
    public static readonly ErrorCode RepositoryBusy = new("SPL3018", ExitCodes.Failed, "another lock or rotate holds the repository");
    public static readonly ErrorCode AuditWriteFailed = new("SPL3019", ExitCodes.Ok, "warning: a command's audit record could not be written");

    // 31xx: HashiCorp Vault
    public static readonly ErrorCode VaultConfig = new("SPL3101", ExitCodes.Usage, "the Vault settings (manifest or VAULT_* variables) are not valid");
    public static readonly ErrorCode VaultAuth = new("SPL3102", ExitCodes.Failed, "Vault login failed or no token is available");
    public static readonly ErrorCode VaultDenied = new("SPL3103", ExitCodes.Failed, "Vault answered permission denied (403)");
    public static readonly ErrorCode VaultRequest = new("SPL3104", ExitCodes.Failed, "a Vault request failed after its retries");
    public static readonly ErrorCode VaultUnreachable = new("SPL3105", ExitCodes.Failed, "Vault could not be reached");

    // 4xxx: git
    public static readonly ErrorCode GitNoRepository = new("SPL4001", ExitCodes.Usage, "not inside a git repository");
    public static readonly ErrorCode GitBadRevision = new("SPL4002", ExitCodes.Usage, "the revision does not exist");
    public static readonly ErrorCode GitFileMissing = new("SPL4003", ExitCodes.Failed, "the file does not exist at that revision");
    public static readonly ErrorCode GitCommitFailed = new("SPL4004", ExitCodes.Failed, "the lock change could not be committed");

    // 50xx: CI hosts (GitHub Actions, Azure Pipelines)
    public static readonly ErrorCode CiNotInHost = new("SPL5001", ExitCodes.Usage, "a CI-host format was used outside its host (the runner's files are not set)");
    public static readonly ErrorCode CiBadName = new("SPL5002", ExitCodes.Usage, "an output name is not a variable name the CI host accepts");
    public static readonly ErrorCode CiUnknownOutput = new("SPL5003", ExitCodes.Usage, "a step output names no resolved variable");
    public static readonly ErrorCode CiDelimiter = new("SPL5004", ExitCodes.Failed, "a value contains every heredoc delimiter tried, so it cannot be exported safely");

    // 52xx: GitHub API (5201..; 50xx is the CI hosts')
    public static readonly ErrorCode GitHubConfig = new("SPL5201", ExitCodes.Usage, "the GitHub settings (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) are missing or not valid");
    public static readonly ErrorCode GitHubBadCredentials = new("SPL5202", ExitCodes.Failed, "GitHub rejected the token (401 bad credentials)");
    public static readonly ErrorCode GitHubForbidden = new("SPL5203", ExitCodes.Failed, "the GitHub token lacks a permission the request needs (403)");
    public static readonly ErrorCode GitHubRateLimited = new("SPL5204", ExitCodes.Failed, "GitHub's rate limit is exhausted (403/429); retry after the reset time");
    public static readonly ErrorCode GitHubNotFound = new("SPL5205", ExitCodes.Failed, "GitHub answered not found (404): repository, branch or commit, or the token cannot see it");
    public static readonly ErrorCode GitHubValidation = new("SPL5206", ExitCodes.Failed, "GitHub refused the request as invalid (422)");
    public static readonly ErrorCode GitHubRequest = new("SPL5207", ExitCodes.Failed, "a GitHub request failed or GitHub could not be reached");
    public static readonly ErrorCode GitHubStatusNotRecorded = new("SPL5208", ExitCodes.Ok, "warning: a GitHub deployment status could not be recorded after the command finished");

    // 53xx: the Azure DevOps task (action/azure-devops/index.js reports these; they are registered here so the codes stay unique and documented)
    public static readonly ErrorCode AzureTaskInput = new("SPL5301", ExitCodes.Usage, "the Azure DevOps task's inputs are not valid (command, auth, or a missing environment for resolve)");
    public static readonly ErrorCode AzureTaskOidc = new("SPL5302", ExitCodes.Failed, "the Azure DevOps task could not get the pipeline's OIDC token for JWT auth");
    public static readonly ErrorCode AzureTaskInstall = new("SPL5303", ExitCodes.Failed, "the Azure DevOps task could not install the secrets-pipeline tool version asked for");

    // 9xxx: usage and environment
    public static readonly ErrorCode Usage = new("SPL9001", ExitCodes.Usage, "the command line is not valid");
    public static readonly ErrorCode OutputWrite = new("SPL9002", ExitCodes.Failed, "an output file could not be written");
    public static readonly ErrorCode UnknownEnvironment = new("SPL9004", ExitCodes.Usage, "the environment is not in secrets.yaml");
    public static readonly ErrorCode UnknownSecret = new("SPL9005", ExitCodes.Usage, "the secret is not in secrets.yaml");
    public static readonly ErrorCode OutputUnrepresentable = new("SPL9006", ExitCodes.Failed, "a value cannot be written in the chosen output format");
    public static readonly ErrorCode Internal = new("SPL9999", ExitCodes.Failed, "an unexpected error (a bug): rerun with --verbose and report it");

    /// <summary>Every registered code, found by reflection so a new field cannot be forgotten.</summary>
    public static IReadOnlyList<ErrorCode> All { get; } = typeof(Codes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorCode))
        .Select(f => (ErrorCode)f.GetValue(null)!)
        .ToArray();
}
