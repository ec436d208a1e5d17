using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class ManifestParserTests
{
    private const string Path = "config/secrets.yaml";

    /// <summary>Lines 1-6; the first secret goes on line 7.</summary>
    private const string Header = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:

        """;

    /// <summary>The example from design §3.</summary>
    internal const string DesignExample = """
        version: 1
        stores:
          dev:   { type: local }                       # embedded store, the default
          vault: { type: vault }                       # address from VAULT_ADDR unless `address:` is set
        environments:
          development: { store: dev }
          production:  { store: vault }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }   # <mount>/<path>#<key>
          STRIPE_KEY:  { ref: "secret/${env}/payments#stripe" }
          DB:          { dynamic: "database/creds/app", ttl: 1h } # leased: DB_USERNAME, DB_PASSWORD-style outputs

        """;

    public class TheParseMethod
    {
        /// <summary>case, yaml, code, line, column, a fragment the message must contain.</summary>
        public static TheoryData<string, string, string, int, int, string> BadManifests => new()
        {
            { "yaml syntax: key dedented below its siblings", Header + "  A: { ref: \"secret/a#k\" }\n B: x\n", "SPL1001", 8, 2, "did not find expected key" },
            { "yaml syntax: unterminated quote", Header + "  DB_PASSWORD: { ref: \"secret/app#k }\n", "SPL1001", 7, 23, "found unexpected end of stream" },
            { "yaml syntax: two documents", Header + "  A: { ref: \"secret/a#k\" }\n---\nversion: 1\n", "SPL1001", 8, 1, "more than one YAML document" },
            { "unknown top-level key", "version: 1\nstore:\n  dev: { type: local }\nenvironments:\n  development: { store: dev }\n", "SPL1002", 2, 1, "Did you mean 'stores'?" },
            { "unknown key in a secret", Header + "  DB_PASSWORD: { ref: \"secret/app#k\", mout: secret }\n", "SPL1002", 7, 39, "Did you mean 'mount'?" },
            { "unknown key in a store", "version: 1\nstores:\n  vault: { type: vault, adress: x }\nenvironments:\n  production: { store: vault }\n", "SPL1002", 3, 25, "Did you mean 'address'?" },
            { "unknown key in an environment", "version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  development: { stor: dev }\n", "SPL1002", 5, 18, "Did you mean 'store'?" },
            { "missing version", "# comment\nstores:\n  dev: { type: local }\nenvironments:\n  development: { store: dev }\n", "SPL1003", 2, 1, "add `version: 1`" },
            { "unsupported version", Header.Replace("version: 1", "version: 2", StringComparison.Ordinal), "SPL1003", 1, 10, "unsupported `version`" },
            { "ref without '#'", Header + "  DB_PASSWORD:\n    ref: secret/app/db\n", "SPL1004", 8, 10, "no '#<key>' part" },
            { "ref with mount only", Header + "  DB_PASSWORD: { ref: \"secret#password\" }\n", "SPL1004", 7, 23, "mount but no path" },
            { "ref with empty key", Header + "  DB_PASSWORD: { ref: \"secret/app#\" }\n", "SPL1004", 7, 23, "must be a key name" },
            { "ref not under its mount", Header + "  A: { ref: \"kv/app#k\", mount: team/kv }\n", "SPL1004", 7, 13, "does not start with its mount" },
            { "dynamic role without a path", Header + "  DB: { dynamic: database }\n", "SPL1004", 7, 18, "dynamic role 'database'" },
            { "environment names a missing store", "version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  production: { store: vault }\n", "SPL1005", 5, 24, "store 'vault'" },
            { "duplicate secret name", Header + "  API_KEY: { ref: \"secret/a#k\" }\n  API_KEY: { ref: \"secret/b#k\" }\n", "SPL1006", 8, 3, "first at line 7" },
            { "duplicate top-level key", Header + "  A: { ref: \"secret/a#k\" }\nversion: 1\n", "SPL1006", 8, 1, "'version' is declared twice" },
            { "secret name with a dash", Header + "  db-password: { ref: \"secret/a#k\" }\n", "SPL1007", 7, 3, "not a valid variable name" },
            { "secret name starting with a digit", Header + "  9LIVES: { ref: \"secret/a#k\" }\n", "SPL1007", 7, 3, "not a valid variable name" },
            { "secret name ending in a line break (a regex's `$` let it through)", Header + "  \"DB\\n\": { ref: \"secret/a#k\" }\n", "SPL1007", 7, 3, "secret name 'DB?' is not a valid variable name" },
            { "store name starting with a dash", "version: 1\nstores:\n  -dev: { type: local }\nenvironments:\n  development: { store: -dev }\n", "SPL1007", 3, 3, "store name '-dev'" },
            { "environment name with a dot", "version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  dev.eu: { store: dev }\n", "SPL1007", 5, 3, "environment name 'dev.eu'" },
            { "invalid dynamic field name", Header + "  DB: { dynamic: database/creds/app, fields: [user-name] }\n", "SPL1007", 7, 47, "field 'user-name'" },
            { "unknown store type", "version: 1\nstores:\n  dev: { type: consul }\nenvironments:\n  development: { store: dev }\n", "SPL1008", 3, 16, "use one of: local, vault" },
            { "both ref and dynamic", Header + "  DB: { ref: \"secret/a#k\", dynamic: database/creds/app }\n", "SPL1009", 7, 7, "exactly one of" },
            { "neither ref nor dynamic", Header + "  DB:\n    mount: secret\n", "SPL1009", 8, 5, "exactly one of" },
            { "list where a secret mapping is expected", Header + "  DB: [secret/a#k]\n", "SPL1010", 7, 7, "must be a mapping" },
            { "list where environments mapping is expected", "version: 1\nstores:\n  dev: { type: local }\nenvironments: [development]\n", "SPL1010", 4, 15, "must be a mapping" },
            { "mapping where a ref string is expected", Header + "  DB:\n    ref: { a: b }\n", "SPL1010", 8, 10, "must be a single value" },
            { "empty fields list", Header + "  DB: { dynamic: database/creds/app, fields: [] }\n", "SPL1010", 7, 46, "non-empty list" },
            { "yaml alias", "version: 1\nstores:\n  dev: &d { type: local }\n  other: *d\nenvironments:\n  development: { store: dev }\n", "SPL1010", 4, 10, "aliases are not supported" },
            { "empty file", string.Empty, "SPL1010", 1, 1, "must be a mapping" },
            { "top level is a list", "- version\n- 1\n", "SPL1010", 1, 1, "must be a mapping" },
            { "missing environments", "version: 1\nstores:\n  dev: { type: local }\n", "SPL1011", 1, 1, "missing `environments`" },
            { "environment without store among several", "version: 1\nstores:\n  a: { type: local }\n  b: { type: local }\nenvironments:\n  dev: {}\n", "SPL1011", 6, 8, "has no `store`" },
            { "unknown placeholder ${foo}", Header + "  DB: { ref: \"secret/${foo}/a#k\" }\n", "SPL1012", 7, 14, "'${foo}'" },
            { "placeholder in the wrong case", Header + "  DB: { ref: \"secret/${ENV}/a#k\" }\n", "SPL1012", 7, 14, "'${ENV}'" },
            { "a good placeholder, then an unknown one", Header + "  DB: { ref: \"secret/${env}/${foo}#k\" }\n", "SPL1012", 7, 14, "'${foo}'" },
            { "placeholder holding a line break", Header + "  DB: { ref: \"secret/${e\\nv}/a#k\" }\n", "SPL1012", 7, 14, "'${e?v}'" },
            { "empty placeholder", Header + "  DB: { ref: \"secret/${}/a#k\" }\n", "SPL1012", 7, 14, "'${}'" },
            { "unterminated placeholder", Header + "  DB: { ref: \"secret/${env/a#k\" }\n", "SPL1012", 7, 14, "'${env/a#k'" },
            { "bad ttl", Header + "  DB: { dynamic: database/creds/app, ttl: 1x }\n", "SPL1013", 7, 43, "`ttl: 1x` is not a duration" },
            { "zero ttl", Header + "  DB: { dynamic: database/creds/app, ttl: 0 }\n", "SPL1013", 7, 43, "`ttl: 0` is not a duration" },
            { "ttl longer than max_ttl", Header + "  DB: { dynamic: database/creds/app, ttl: 2h, max_ttl: 1h }\n", "SPL1013", 7, 43, "longer than `max_ttl`" },
            { "dynamic DB outputs DB_USERNAME, then static DB_USERNAME", Header + "  DB: { dynamic: database/creds/app }\n  DB_USERNAME: { ref: \"secret/a#k\" }\n", "SPL1014", 8, 3, "'DB_USERNAME', which 'DB' (line 7)" },
            { "static DB_PASSWORD, then dynamic DB", Header + "  DB_PASSWORD: { ref: \"secret/a#k\" }\n  DB: { dynamic: database/creds/app }\n", "SPL1014", 8, 3, "'DB_PASSWORD', which 'DB_PASSWORD' (line 7)" },
            { "collision differing only in case", Header + "  DB: { dynamic: database/creds/app }\n  db_username: { ref: \"secret/a#k\" }\n", "SPL1014", 8, 3, "which 'DB' (line 7)" },
            { "ttl on a static entry", Header + "  A: { ref: \"secret/a#k\", ttl: 1h }\n", "SPL1016", 7, 32, "apply only to `dynamic`" },
            { "fields on a static entry", Header + "  A: { ref: \"secret/a#k\", fields: [x] }\n", "SPL1016", 7, 35, "applies only to `dynamic`" },
            { "secret declared twice among many (a long mapping)", Header + string.Concat(Enumerable.Range(1, 12).Select(i => $"  S{i}: {{ ref: \"secret/s{i}#k\" }}\n")) + "  S3: { ref: \"secret/again#k\" }\n", "SPL1006", 19, 3, "'S3' is declared twice (first at line 9)" },
            { "tab indenting a later line", Header + "  A:\n\tref: \"secret/a#k\"\n", "SPL1001", 8, 1, "a tab is used for indentation" },
        };

        [Theory]
        [MemberData(nameof(BadManifests))]
        public void RejectsBadManifestWithCodeLineAndColumn(string scenario, string yaml, string code, int line, int column, string fragment)
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, yaml));

            Assert.True(ex.Code.Id == code, $"{scenario}: expected {code}, got {ex.ToDiagnostic()}");
            Assert.NotNull(ex.Location);
            Assert.Equal(Path, ex.Location.Path);
            Assert.True((ex.Location.Line, ex.Location.Column) == (line, column), $"{scenario}: expected ({line},{column}), got {ex.ToDiagnostic()}");
            Assert.StartsWith($"{Path}({line},{column}): error {code}: ", ex.ToDiagnostic(), StringComparison.Ordinal);
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.ToDiagnostic());
        }

        // Found by the reliability suite's manifest fuzzer: the first overflowed the reader's stack (a crash), the second
        // escaped from YamlDotNet's scanner as an InvalidOperationException.
        [Theory]
        [InlineData("deep flow nesting", "version: 1\nsecrets: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n")]
        [InlineData("a percent sign opening a flow mapping's content", "version: 1\nstores: {}\nenvironments: {%\nsecrets: {}\n")]
        [InlineData("a tag that is not a URI (found by the full fuzz run)", "!!binary!!binaryversion:] 1\nsecrets: {}\n")]
        [InlineData("a tag that is not a URI on a value", "version: 1\nsecrets: !!x] 1\n")]
        public void RejectsHostileYamlWithASyntaxError(string scenario, string yaml)
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, yaml));

            Assert.True(ex.Code == Codes.ManifestSyntax, $"{scenario}: {ex.Code.Id} {ex.Message}");
            Assert.Equal(Path, ex.Location?.Path);
        }

        [Fact]
        public void RejectsNestingDeeperThanTheStackCanHoldWithASyntaxError()
        {
            var depth = 100_000;
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, "version: 1\nsecrets: " + new string('[', depth) + new string(']', depth) + "\n"));

            Assert.Same(Codes.ManifestSyntax, ex.Code);
            Assert.Equal(2, ex.Location?.Line);
        }

        [Fact]
        public void PointsAtTheLineOfATabUsedForIndentation()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, Header + "\tDB_PASSWORD: { ref: \"secret/app#k\" }\n"));

            Assert.Same(Codes.ManifestSyntax, ex.Code);
            Assert.Equal(7, ex.Location?.Line);
        }

        [Fact]
        public void RejectsUnknownKeyWithLineAndColumn()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, Header + "  A:\n    ref: \"secret/a#k\"\n    descripton: x\n"));

            Assert.Same(Codes.ManifestUnknownKey, ex.Code);
            Assert.Equal(new SourceLocation(Path, 9, 5), ex.Location);
            Assert.Equal(
                $"{Path}(9,5): error SPL1002: unknown key 'descripton' in a secret; allowed: ref, mount, dynamic, ttl, max_ttl, fields, description. Did you mean 'description'?",
                ex.ToDiagnostic());
        }

        [Fact]
        public void GivesNoHintWhenNoKeyIsClose()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, Header + "  A: { ref: \"secret/a#k\", colour: blue }\n"));

            Assert.Same(Codes.ManifestUnknownKey, ex.Code);
            Assert.DoesNotContain("Did you mean", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RejectsTheVerbatimDesignExampleBecauseDbAlsoOutputsDbPassword()
        {
            // design §3's example declares a static DB_PASSWORD and a dynamic DB whose default fields
            // (username, password) output DB_USERNAME and DB_PASSWORD; §4 says such a manifest is rejected.
            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.Parse(Path, DesignExample));

            Assert.Same(Codes.ManifestOutputCollision, ex.Code);
            Assert.Equal(new SourceLocation(Path, 11, 3), ex.Location);
            Assert.Contains("secret 'DB' would output 'DB_PASSWORD', which 'DB_PASSWORD' (line 9) already outputs", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ParsesTheDesignExampleOnceTheStaticEntryNoLongerCollides()
        {
            var manifest = ManifestParser.Parse(Path, DesignExample.Replace("  DB_PASSWORD: {", "  DB_ROOT_PW:  {", StringComparison.Ordinal));

            Assert.Equal(Path, manifest.Path);
            Assert.Equal(1, manifest.Version);
            Assert.Equal(["dev", "vault"], manifest.Stores.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("local", manifest.Stores["dev"].Type);
            Assert.Equal("vault", manifest.Stores["vault"].Type);
            Assert.Empty(manifest.Stores["vault"].Settings);
            Assert.Equal("dev", manifest.Environments["development"].Store);
            Assert.Equal("vault", manifest.Environments["production"].Store);
            Assert.Same(manifest.Stores["vault"], manifest.StoreFor("production"));

            Assert.Equal(["DB_ROOT_PW", "STRIPE_KEY", "DB"], manifest.Secrets.Select(s => s.Name));
            var password = manifest.Secret("DB_ROOT_PW");
            Assert.False(password.IsDynamic);
            Assert.Equal("secret/${env}/app/db#password", password.Ref);
            Assert.Equal(new SourceLocation(Path, 9, 3), password.Location);
            Assert.Equal(["DB_ROOT_PW"], password.OutputNames);
            Assert.Equal(new SecretRef("secret", "production/payments", "stripe"), manifest.Secret("STRIPE_KEY").RefFor("production"));

            var db = manifest.Secret("DB");
            Assert.True(db.IsDynamic);
            Assert.Equal("database/creds/app", db.Dynamic);
            Assert.Equal(TimeSpan.FromHours(1), db.Ttl);
            Assert.Null(db.MaxTtl);
            Assert.Equal(["username", "password"], db.Fields);
            Assert.Equal(["DB_USERNAME", "DB_PASSWORD"], db.OutputNames);
        }

        [Fact]
        public void ExpandsEnvPlaceholderInRefFor()
        {
            var manifest = ManifestParser.Parse(Path, Header + "  A: { ref: \"secret/${env}/app/db#password\" }\n  R: { dynamic: \"database/${env}/creds/app\" }\n");

            Assert.Equal(new SecretRef("secret", "production/app/db", "password"), manifest.Secret("A").RefFor("production"));
            Assert.Equal(new SecretRef("secret", "development/app/db", "password"), manifest.Secret("A").RefFor("development"));
            Assert.Equal("secret/staging/app/db#password", manifest.Secret("A").RefFor("staging").ToString());
            Assert.Equal("database/production/creds/app", manifest.Secret("R").RoleFor("production"));
        }

        [Fact]
        public void UsesTheOnlyStoreWhenAnEnvironmentNamesNone()
        {
            var manifest = ManifestParser.Parse(Path, "version: 1\nstores:\n  mine: { type: vault, address: \"https://vault:8200\" }\nenvironments:\n  development: {}\n");

            Assert.Equal("mine", manifest.Environments["development"].Store);
            Assert.Equal("https://vault:8200", manifest.StoreFor("development").Setting("address"));
            Assert.Empty(manifest.Secrets);
        }

        [Fact]
        public void DefaultsToOneLocalStoreWhenNoStoresAreDeclared()
        {
            var manifest = ManifestParser.Parse(Path, "version: 1\nenvironments:\n  development: {}\nsecrets:\n  A: { ref: \"secret/a#k\" }\n");

            var store = Assert.Single(manifest.Stores.Values);
            Assert.Equal(ManifestParser.DefaultStoreType, store.Type);
            Assert.Equal(store.Name, manifest.Environments["development"].Store);
        }

        [Fact]
        public void DefaultsStoreTypeToLocal()
        {
            var manifest = ManifestParser.Parse(Path, "version: 1\nstores:\n  dev: { path: x.db }\nenvironments:\n  development: { store: dev }\n");

            Assert.Equal("local", manifest.Stores["dev"].Type);
            Assert.Equal("x.db", manifest.Stores["dev"].Setting("path"));
        }

        [Fact]
        public void UsesMountOverrideForMountsWithSlashes()
        {
            var manifest = ManifestParser.Parse(Path, Header + "  A: { ref: \"kv/team/${env}/app#password\", mount: kv/team }\n");

            var secretRef = manifest.Secret("A").RefFor("production");

            Assert.Equal("kv/team", secretRef.Mount);
            Assert.Equal("production/app", secretRef.Path);
            Assert.Equal("password", secretRef.Key);
            Assert.Equal("kv/team/production/app", secretRef.FullPath);
        }

        [Fact]
        public void TakesTheFirstSegmentAsMountWithoutOverride()
        {
            var manifest = ManifestParser.Parse(Path, Header + "  A: { ref: \"kv/team/app#password\" }\n");

            Assert.Equal(new SecretRef("kv", "team/app", "password"), manifest.Secret("A").RefFor("development"));
        }

        [Fact]
        public void AcceptsCustomFieldsAndMaxTtl()
        {
            var manifest = ManifestParser.Parse(Path, Header + "  AWS: { dynamic: aws/creds/deploy, fields: [access_key, secret_key], ttl: 15m, max_ttl: 1h30m }\n");

            var aws = manifest.Secret("AWS");
            Assert.Equal(["AWS_ACCESS_KEY", "AWS_SECRET_KEY"], aws.OutputNames);
            Assert.Equal(TimeSpan.FromMinutes(15), aws.Ttl);
            Assert.Equal(TimeSpan.FromMinutes(90), aws.MaxTtl);
        }

        [Fact]
        public void AcceptsEveryCharacterTheNameRulesAllow()
        {
            var yaml = "version: 1\nstores:\n  9-dev_1: { type: local }\nenvironments:\n  eu-west_2: { store: 9-dev_1 }\nsecrets:\n"
                + "  _Db9: { ref: \"secret/${env}/a#k\" }\n"
                + "  z: { dynamic: database/creds/app, fields: [user_1, Pass9] }\n";

            var manifest = ManifestParser.Parse(Path, yaml);

            Assert.Equal(["9-dev_1"], manifest.Stores.Keys);
            Assert.Equal(["eu-west_2"], manifest.Environments.Keys);
            Assert.Equal(["_Db9", "z"], manifest.Secrets.Select(s => s.Name));
            Assert.Equal(["user_1", "Pass9"], manifest.Secrets[1].Fields);
        }

        [Fact]
        public void AcceptsAnEmptySecretsSection()
        {
            var manifest = ManifestParser.Parse(Path, Header);

            Assert.Empty(manifest.Secrets);
        }
    }

    public class TheParseFileMethod
    {
        [Fact]
        public void RejectsAMissingFileWithSpl1015()
        {
            using var temp = new TempDirectory("spl-tests-");
            var path = temp.Combine("secrets.yaml");

            var ex = Assert.Throws<SecretsPipelineException>(() => ManifestParser.ParseFile(path));

            Assert.Same(Codes.ManifestNotFound, ex.Code);
            Assert.StartsWith($"{path}: error SPL1015: ", ex.ToDiagnostic(), StringComparison.Ordinal);
        }

        [Fact]
        public void ReadsTheFileAndKeepsItsPath()
        {
            using var temp = new TempDirectory("spl-tests-");
            var path = temp.Combine("secrets.yaml");
            File.WriteAllText(path, Header + "  A: { ref: \"secret/a#k\" }\n");

            var manifest = ManifestParser.ParseFile(path);

            Assert.Equal(path, manifest.Path);
            Assert.Equal(path, manifest.Secret("A").Location.Path);
        }
    }
}
