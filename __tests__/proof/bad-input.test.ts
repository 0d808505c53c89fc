import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { fixtureManifest } from "../../lib/emulators/smapi";
import { main as deployFunction } from "../../scripts/deploy-function";
import { main as deployModel } from "../../scripts/deploy-model";
import { main as finish } from "../../scripts/finish";
import { main as flip } from "../../scripts/flip";
import { main as planComment } from "../../scripts/plan-comment";
import { main as promote } from "../../scripts/promote";
import { main as rollback } from "../../scripts/rollback";
import { main as status } from "../../scripts/status";
import { main as submit } from "../../scripts/submit";
import { main as deploySkill } from "../../scripts/deploy-skill";
import { main as setupCredentials } from "../../scripts/setup-credentials";
import { BuildFailed, type BuiltPackage } from "../../lib/build";
import { codeSha256 } from "../../lib/package";
import { Readable } from "node:stream";
import { fixturePath } from "../plan/helpers";
import { capture } from "../helpers/release-run";
import { asProcess, UNTYPED_FAILURE, type Main } from "./as-process";

/**
 * The bad-input catalogue: configuration, arguments, environment variables,
 * skill packages, function packages, plan files and remote answers that are
 * wrong. Each case runs a command as its script does, against a fresh
 * release world, and must end with the contract's exit code, one message
 * that names the problem and the fix (a pattern per case), no stack trace,
 * and no mutating call to Lambda or SMAPI.
 */

const ROOT = join(__dirname, "..", "..");
const FIXTURE_PACKAGE = join(ROOT, "lib/emulators/fixtures/voiceapp311-skill-package");

interface Inputs {
  dir: string;
  /** A path in the temporary directory. */
  at: (...parts: string[]) => string;
}

interface Case {
  name: string;
  main: Main;
  argv: (inputs: Inputs) => string[];
  env?: Record<string, string | undefined>;
  setup?: (world: ReleaseWorld) => void | Promise<void>;
  exit: number;
  /** Names the problem and the fix. */
  message: RegExp;
}

/** setup:credentials with `stdin` piped in (the refresh token of --refresh-token-stdin). */
const setupWith = (stdin: string): Main => (argv, io) => setupCredentials(argv, io, { stdin: Readable.from([stdin]), openBrowser: () => false });
const setupNoInput = setupWith("");
/** A refresh token LWA never issued: refused at the token exchange. */
const FOREIGN_TOKEN = "Atzr|IwEBforeign-token-of-nobody";

/**
 * deploy:skill with a prebuilt package (no pip): the builder returns the zip
 * and the skill package named in the inputs directory, or fails as `fail` says.
 */
const deploySkillBuilt =
  (skillPackageName: string, options: { fail?: BuildFailed } = {}): Main =>
  (argv, io) => {
    const at = (name: string) => join(argv[argv.indexOf("--repo") + 1] ?? ".", name);
    return deploySkill(argv, {
      ...io,
      poll: { initialDelayMs: 5, maxDelayMs: 20 },
      smapiRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      buildPackage: async () => {
        if (options.fail) throw options.fail;
        const zip = readFileSync(at("good.zip"));
        return { zipPath: at("good.zip"), sha256: codeSha256(zip), bytes: zip.length, flow: "zip-only", handler: "lambda_function.lambda_handler", skillPackageDir: at(skillPackageName) } as BuiltPackage;
      },
    });
  };

const deployModelQuick: Main = (argv, io) => deployModel(argv, io, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, poll: { initialDelayMs: 5, maxDelayMs: 20 } });
const flipYes = (...argv: string[]) => () => ["--yes", ...argv];
const SKILL = (inputs: Inputs, name: string) => ["--skill-package", inputs.at(name)];

/** A skill package: the fixture, changed by `change` (files by path relative to the package). */
function skillPackage(inputs: Inputs, name: string, change: (dir: string) => void): void {
  const dir = inputs.at(name);
  cpSync(FIXTURE_PACKAGE, dir, { recursive: true });
  change(dir);
}
const MODEL = "interactionModels/custom/en-US.json";
const fixtureModel = () => JSON.parse(readFileSync(join(FIXTURE_PACKAGE, MODEL), "utf8"));

function prepareInputs(inputs: Inputs): void {
  const { at } = inputs;
  writeFileSync(at("not-a-zip.zip"), "this is not a zip file\n");
  writeFileSync(at("good.zip"), makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    return {}\n" }));
  mkdirSync(at("empty-dir"));
  skillPackage(inputs, "skill-json-not-json", (dir) => writeFileSync(join(dir, "skill.json"), "{ this is not JSON"));
  skillPackage(inputs, "model-not-json", (dir) => writeFileSync(join(dir, MODEL), "<html><body>Not JSON</body></html>"));
  skillPackage(inputs, "model-without-interaction-model", (dir) => writeFileSync(join(dir, MODEL), JSON.stringify({ languageModel: {} })));
  skillPackage(inputs, "locale-not-a-locale", (dir) => cpSync(join(dir, MODEL), join(dir, "interactionModels/custom/en_us.json")));
  skillPackage(inputs, "bad-invocation-name", (dir) => {
    const model = fixtureModel();
    model.interactionModel.languageModel.invocationName = "Boston Info 311!";
    writeFileSync(join(dir, MODEL), JSON.stringify(model));
  });
  skillPackage(inputs, "huge-model", (dir) => writeFileSync(join(dir, MODEL), `{"interactionModel": ${"[".repeat(1)}"${"x".repeat(24 * 1024 * 1024)}`));
  skillPackage(inputs, "symlinked-model", (dir) => {
    rmSync(join(dir, MODEL));
    writeFileSync(at("outside-model.json"), readFileSync(join(FIXTURE_PACKAGE, MODEL)));
    symlinkSync(at("outside-model.json"), join(dir, MODEL));
  });
  skillPackage(inputs, "no-models", (dir) => rmSync(join(dir, "interactionModels"), { recursive: true }));
  skillPackage(inputs, "intent-without-name", (dir) => {
    const model = fixtureModel();
    delete model.interactionModel.languageModel.intents[0].name;
    writeFileSync(join(dir, MODEL), JSON.stringify(model));
  });
  skillPackage(inputs, "sample-with-unknown-slot", (dir) => {
    const model = fixtureModel();
    const intent = model.interactionModel.languageModel.intents.find((i: { samples?: string[] }) => i.samples);
    intent.samples.push("tell me about {NoSuchSlot}");
    writeFileSync(join(dir, MODEL), JSON.stringify(model));
  });
  writeFileSync(at("plan-not-json.json"), "<!DOCTYPE html><html>502 Bad Gateway</html>");
  writeFileSync(at("plan-empty-object.json"), "{}");
  writeFileSync(at("plan-wrong-shape.json"), JSON.stringify({ format_version: "1.2", resource_changes: "all of them" }));
  writeFileSync(at("plan-huge.json"), `{"format_version":"1.2","resource_changes":[${'{"address":"x",'.repeat(2 * 1024 * 1024)}`);
  symlinkSync("/dev/zero", at("plan-symlink-to-dev-zero.json"));
}

/** A manifest whose development stage has no custom endpoint at all. */
function withoutEndpoint(world: ReleaseWorld) {
  const envelope = fixtureManifest(world.lambdaEmu.functionArn(FUNCTION_NAME)) as { manifest: { apis: { custom: Record<string, unknown> } } };
  delete envelope.manifest.apis.custom.endpoint;
  delete envelope.manifest.apis.custom.regions;
  return envelope;
}

const CASES: Case[] = [
  // --- configuration and environment variables ---
  { name: "env: SKILL_ID that is not a skill ID", main: status, argv: () => [], env: { SKILL_ID: "amzn1.ask.skill.not-a-uuid" }, exit: 2, message: /SKILL_ID.*amzn1\.ask\.skill\.not-a-uuid[\s\S]*amzn1\.ask\.skill\.<uuid>|SKILL_ID[\s\S]*expected/i },
  { name: "env: SKILL_ID of another kind of ID", main: flip, argv: flipYes(), env: { SKILL_ID: "amzn1.application-oa2-client.abc" }, exit: 2, message: /SKILL_ID/ },
  { name: "env: AWS_REGION that does not exist", main: promote, argv: flipYes(), env: { AWS_REGION: "mars-north-1" }, exit: 2, message: /AWS_REGION.*mars-north-1/ },
  { name: "env: LAMBDA_FUNCTION_NAME with characters Lambda refuses", main: flip, argv: flipYes(), env: { LAMBDA_FUNCTION_NAME: "Boston Info Skill!" }, exit: 2, message: /LAMBDA_FUNCTION_NAME.*Boston Info Skill!/ },
  { name: "env: PIPELINE_ENV names no configured environment", main: status, argv: () => [], env: { PIPELINE_ENV: "staging" }, exit: 2, message: /PIPELINE_ENV.*staging.*configured: example/ },
  { name: "env: PIPELINE_ENV names two environments", main: rollback, argv: flipYes(), env: { PIPELINE_ENV: "example,prod" }, exit: 2, message: /PIPELINE_ENV/ },
  { name: "env: ASK_LWA_CLIENT_ID missing", main: flip, argv: flipYes(), env: { ASK_LWA_CLIENT_ID: undefined }, exit: 2, message: /Missing Alexa \(SMAPI\) credentials: ASK_LWA_CLIENT_ID\. .*refresh token/ },
  { name: "env: every ASK credential missing", main: submit, argv: flipYes(), env: { ASK_LWA_CLIENT_ID: undefined, ASK_LWA_CLIENT_SECRET: undefined, ASK_REFRESH_TOKEN: undefined }, exit: 2, message: /ASK_LWA_CLIENT_ID, ASK_LWA_CLIENT_SECRET \(or ASK_LWA_CLIENT_CONFIRMATION\), ASK_REFRESH_TOKEN/ },
  { name: "env: ASK_REFRESH_TOKEN blank", main: deployModelQuick, argv: () => ["--skill-package", FIXTURE_PACKAGE], env: { ASK_REFRESH_TOKEN: "   " }, exit: 2, message: /ASK_REFRESH_TOKEN/ },
  { name: "env: ASK_SMAPI_SERVER_BASE_URL that is not a URL", main: finish, argv: flipYes(), env: { ASK_SMAPI_SERVER_BASE_URL: "api.amazonalexa.com" }, exit: 2, message: /ASK_SMAPI_SERVER_BASE_URL.*not a URL.*https:\/\/api\.amazonalexa\.com/ },
  { name: "env: ASK_LWA_TOKEN_HOST that is not a URL", main: status, argv: () => [], env: { ASK_LWA_TOKEN_HOST: "ftp//api.amazon.com" }, exit: 2, message: /ASK_LWA_TOKEN_HOST.*not a URL/ },
  { name: "env: PACKAGE_BUCKET that is not a bucket name", main: deployFunction as Main, argv: (i) => ["--zip", i.at("good.zip")], env: { PACKAGE_BUCKET: "My_Bucket" }, exit: 2, message: /PACKAGE_BUCKET must be an S3 bucket name.*My_Bucket/ },
  { name: "env: LAMBDA_FUNCTION_NAME of a function that does not exist", main: flip, argv: flipYes(), env: { LAMBDA_FUNCTION_NAME: "NoSuchFunction" }, exit: 2, message: /NoSuchFunction does not exist.*cdktf deploy.*LAMBDA_FUNCTION_NAME/ },
  { name: "env: SKILL_ID of a skill that does not exist", main: status, argv: () => [], env: { SKILL_ID: "amzn1.ask.skill.00000000-0000-4000-8000-00000000abcd" }, exit: 2, message: /amzn1\.ask\.skill\.00000000-0000-4000-8000-00000000abcd[\s\S]*(SKILL_ID|vendor)/ },

  // --- credentials as Amazon judges them ---
  { name: "remote: revoked refresh token", main: flip, argv: flipYes(), setup: (w) => w.smapiEmu.lwa.revokeRefreshToken(), exit: 2, message: /refused the refresh token[\s\S]*npm run setup:credentials -- --overwrite/ },
  { name: "remote: expired refresh token", main: deployModelQuick, argv: () => ["--skill-package", FIXTURE_PACKAGE], setup: (w) => w.smapiEmu.lwa.expireRefreshToken(), exit: 2, message: /refused the refresh token[\s\S]*npm run setup:credentials -- --overwrite/ },
  { name: "remote: wrong client secret", main: promote, argv: flipYes(), env: { ASK_LWA_CLIENT_SECRET: "not-the-secret-of-this-profile" }, exit: 2, message: /refused the client ID or secret[\s\S]*check ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_SECRET/ },
  { name: "remote: expired access token (ASK_ACCESS_TOKEN alone)", main: status, argv: () => [], env: { ASK_LWA_CLIENT_ID: undefined, ASK_LWA_CLIENT_SECRET: undefined, ASK_REFRESH_TOKEN: undefined, ASK_ACCESS_TOKEN: "Atza|expired-long-ago" }, exit: 2, message: /refused the access token[\s\S]*401[\s\S]*Set fresh LWA credentials/ },

  // --- arguments ---
  { name: "args: flip --to with an unknown target", main: flip, argv: () => ["--to", "blue"], exit: 2, message: /--to blue is not understood; the only value is "latest"/ },
  { name: "args: flip with an unknown option", main: flip, argv: () => ["--colour", "green"], exit: 2, message: /Unknown option '--colour'[\s\S]*Usage: npm run flip/ },
  { name: "args: flip without --yes off a terminal", main: flip, argv: () => [], exit: 2, message: /--yes/ },
  { name: "args: promote with a positional argument", main: promote, argv: () => ["now"], exit: 2, message: /Unexpected argument 'now'[\s\S]*Usage: npm run promote/ },
  { name: "args: promote without --yes off a terminal", main: promote, argv: () => [], exit: 2, message: /--yes/ },
  { name: "args: promote --canary without --yes off a terminal", main: promote, argv: () => ["--canary", "10"], exit: 2, message: /--yes/ },
  { name: "args: rollback --release=yes (a flag with a value)", main: rollback, argv: () => ["--release=yes"], exit: 2, message: /--release[\s\S]*Usage: npm run rollback/ },
  { name: "args: submit --publication-method with an unknown method", main: submit, argv: () => ["--publication-method", "sometimes", "--yes"], exit: 2, message: /--publication-method must be manual or auto, not "sometimes"/ },
  { name: "args: submit --message empty", main: submit, argv: () => ["--message", "", "--yes"], exit: 2, message: /--message must be 1 to 300 characters/ },
  { name: "args: submit --message too long", main: submit, argv: () => ["--message", "x".repeat(301), "--yes"], exit: 2, message: /--message must be 1 to 300 characters.*301/ },
  { name: "args: finish with an unknown option", main: finish, argv: () => ["--force"], exit: 2, message: /Unknown option '--force'[\s\S]*Usage: npm run finish/ },
  { name: "args: status with an unknown option", main: status, argv: () => ["--verbose"], exit: 2, message: /Unknown option '--verbose'/ },
  { name: "args: deploy:function without a package", main: deployFunction as Main, argv: () => [], exit: 2, message: /exactly one of --source <dir> or --zip <file>/ },
  { name: "args: deploy:function with --source and --zip", main: deployFunction as Main, argv: (i) => ["--source", i.dir, "--zip", i.at("good.zip")], exit: 2, message: /exactly one of --source <dir> or --zip <file>, not both/ },
  { name: "args: deploy:function --function with a bad name", main: deployFunction as Main, argv: (i) => ["--zip", i.at("good.zip"), "--function", "a/b"], exit: 2, message: /--function takes a Lambda function name.*"a\/b"/ },
  { name: "args: deploy:function --s3-bucket with a bad name", main: deployFunction as Main, argv: (i) => ["--zip", i.at("good.zip"), "--s3-bucket", "x"], exit: 2, message: /--s3-bucket must be an S3 bucket name.*"x"/ },
  { name: "args: deploy:function --timeout zero", main: deployFunction as Main, argv: (i) => ["--zip", i.at("good.zip"), "--timeout", "0"], exit: 2, message: /--timeout takes a number of seconds from 1 to 3600, got "0"/ },
  { name: "args: deploy:function --timeout not a number", main: deployFunction as Main, argv: (i) => ["--zip", i.at("good.zip"), "--timeout", "5m"], exit: 2, message: /--timeout takes a number of seconds.*"5m"/ },
  { name: "args: deploy:model without --skill-package", main: deployModelQuick, argv: () => [], exit: 2, message: /--skill-package <dir> is required/ },
  { name: "args: deploy:model --timeout too long", main: deployModelQuick, argv: () => ["--skill-package", FIXTURE_PACKAGE, "--timeout", "86400"], exit: 2, message: /--timeout takes a number of seconds from 1 to 3600, got "86400"/ },
  { name: "args: deploy:model --locale that is not a locale", main: deployModelQuick, argv: () => ["--skill-package", FIXTURE_PACKAGE, "--locale", "english"], exit: 2, message: /--locale.*english/ },
  { name: "args: deploy:model --locale the package lacks", main: deployModelQuick, argv: () => ["--skill-package", FIXTURE_PACKAGE, "--locale", "fr-FR"], exit: 2, message: /--locale fr-FR: .* has no interaction model interactionModels\/custom\/fr-FR\.json \(found: en-US\)/ },
  { name: "args: plan:comment --pr that is not a number", main: planComment as Main, argv: () => ["--print", "--pr", "seven", fixturePath("changes")], exit: 2, message: /--pr takes a pull request number, got "seven"/ },
  { name: "args: plan:comment --stack without a name", main: planComment as Main, argv: () => ["--print", "--stack", fixturePath("changes")], exit: 2, message: /--stack takes <name>=<path>/ },

  // --- function packages ---
  { name: "package: --zip that does not exist", main: deployFunction as Main, argv: (i) => ["--zip", i.at("missing.zip")], exit: 2, message: /missing\.zip/ },
  { name: "package: --zip that is not a zip", main: deployFunction as Main, argv: (i) => ["--zip", i.at("not-a-zip.zip")], exit: 2, message: /not-a-zip\.zip.*(zip|ZIP)/ },
  { name: "package: --source that does not exist", main: deployFunction as Main, argv: (i) => ["--source", i.at("missing-dir")], exit: 2, message: /missing-dir/ },
  { name: "package: --source that is empty", main: deployFunction as Main, argv: (i) => ["--source", i.at("empty-dir")], exit: 2, message: /empty-dir/ },
  { name: "package: --source that is a file", main: deployFunction as Main, argv: (i) => ["--source", i.at("good.zip")], exit: 2, message: /good\.zip/ },

  // --- skill packages ---
  { name: "skill package: directory that does not exist", main: deployModelQuick, argv: (i) => SKILL(i, "missing-package"), exit: 2, message: /missing-package/ },
  { name: "skill package: skill.json that is not JSON", main: deployModelQuick, argv: (i) => SKILL(i, "skill-json-not-json"), exit: 2, message: /skill\.json/ },
  { name: "skill package: a model that is not JSON (an HTML page)", main: deployModelQuick, argv: (i) => SKILL(i, "model-not-json"), exit: 2, message: /nothing was uploaded[\s\S]*en-US\.json[\s\S]*invalid JSON/ },
  { name: "skill package: a model without interactionModel", main: deployModelQuick, argv: (i) => SKILL(i, "model-without-interaction-model"), exit: 2, message: /en-US\.json[\s\S]*interactionModel/ },
  { name: "skill package: a model file named after no locale", main: deployModelQuick, argv: (i) => SKILL(i, "locale-not-a-locale"), exit: 2, message: /en_us[\s\S]*not a locale name[\s\S]*en-US/ },
  { name: "skill package: an invocation name Alexa refuses", main: deployModelQuick, argv: (i) => SKILL(i, "bad-invocation-name"), exit: 2, message: /invocationName[\s\S]*Boston Info 311!/ },
  { name: "skill package: a huge model that breaks off", main: deployModelQuick, argv: (i) => SKILL(i, "huge-model"), exit: 2, message: /nothing was uploaded[\s\S]*en-US\.json[\s\S]*invalid JSON/ },
  { name: "skill package: a model that is a symlink", main: deployModelQuick, argv: (i) => SKILL(i, "symlinked-model"), exit: 2, message: /en-US\.json is a symbolic link[\s\S]*Replace the link with a copy of the model file/ },
  { name: "skill package: no interaction models", main: deployModelQuick, argv: (i) => SKILL(i, "no-models"), exit: 2, message: /interactionModels\/custom/ },
  { name: "skill package: an intent without a name", main: deployModelQuick, argv: (i) => SKILL(i, "intent-without-name"), exit: 2, message: /intents\[0\][\s\S]*name/ },
  { name: "skill package: a sample with an undeclared slot", main: deployModelQuick, argv: (i) => SKILL(i, "sample-with-unknown-slot"), exit: 2, message: /NoSuchSlot/ },

  // --- plan files ---
  { name: "plan: a file that does not exist", main: planComment as Main, argv: (i) => ["--print", i.at("no-plan.json")], exit: 2, message: /no-plan\.json/ },
  { name: "plan: a file that is not JSON (an HTML error page)", main: planComment as Main, argv: (i) => ["--print", i.at("plan-not-json.json")], exit: 2, message: /plan-not-json\.json[\s\S]*JSON[\s\S]*terraform show -json/ },
  { name: "plan: JSON that is not a plan", main: planComment as Main, argv: (i) => ["--print", i.at("plan-empty-object.json")], exit: 2, message: /plan-empty-object\.json[\s\S]*terraform show -json/ },
  { name: "plan: resource_changes of the wrong type", main: planComment as Main, argv: (i) => ["--print", i.at("plan-wrong-shape.json")], exit: 2, message: /plan-wrong-shape\.json[\s\S]*resource_changes/ },
  { name: "plan: a huge file that breaks off", main: planComment as Main, argv: (i) => ["--print", i.at("plan-huge.json")], exit: 2, message: /plan-huge\.json[\s\S]*JSON/ },
  { name: "plan: a symlink to /dev/zero", main: planComment as Main, argv: (i) => ["--print", i.at("plan-symlink-to-dev-zero.json")], exit: 2, message: /plan-symlink-to-dev-zero\.json/ },

  // --- remote answers ---
  { name: "remote: the candidate alias does not exist", main: flip, argv: flipYes(), setup: (w) => w.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "green"), exit: 3, message: /green alias \(green\) does not exist on BostonInfoSkill; create it with npx cdktf deploy/ },
  { name: "remote: the live alias does not exist", main: promote, argv: flipYes(), setup: (w) => w.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "blue"), exit: 3, message: /blue alias \(blue\), which does not exist[\s\S]*cdktf deploy/ },
  { name: "remote: a development manifest without a custom endpoint", main: flip, argv: flipYes(), setup: async (w) => {
      await w.smapi.updateSkillManifestV1(w.config.skill.id, "development", withoutEndpoint(w) as never);
      await w.smapiEmu.settle();
    }, exit: 3, message: /no custom endpoint \(apis\.custom\.endpoint\.uri\)[\s\S]*skill\.json[\s\S]*developer console/ },
  { name: "remote: the live alias on $LATEST", main: promote, argv: flipYes(), setup: (w) => void w.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "$LATEST"), exit: 3, message: /live alias blue points at \$LATEST[\s\S]*Point it at a published version/ },
  { name: "remote: live points at a foreign endpoint", main: promote, argv: flipYes(), setup: (w) => {
      (w.smapiEmu.state.content("live")!.manifest.value.apis as { custom: { endpoint: { uri: string } } }).custom.endpoint.uri = "arn:aws:lambda:us-east-1:999999999999:function:SomeoneElse";
    }, exit: 3, message: /SomeoneElse/ },
  { name: "remote: SMAPI answers an HTML error page", main: status, argv: () => [], setup: (w) => void w.smapiEmu.faults.failNext("getSkillManifestV1", { status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", times: 20 }), exit: 1, message: /SMAPI failed while reading the [a-z]+ manifest \(502[\s\S]*run the command again later/ },
  { name: "remote: Lambda answers an HTML error page", main: flip, argv: flipYes(), setup: (w) => void w.lambdaEmu.faults.failNext("GetFunctionConfiguration", { status: 503, errorType: "ServiceUnavailable", message: "<html>Service Unavailable</html>", times: 20 }), env: { AWS_MAX_ATTEMPTS: "2" }, exit: 1, message: /reading the release state failed[\s\S]*run npm run flip again/ },
  { name: "remote: SMAPI answers a manifest of an unexpected shape", main: flip, argv: flipYes(), setup: (w) => void w.smapiEmu.faults.failNext("getSkillManifestV1", { status: 200, body: { unexpected: true }, times: 20 }), exit: 3, message: /no custom endpoint[\s\S]*developer console/ },
  // --- setup:credentials ---
  { name: "setup:credentials: --refresh-token with the token as an argument", main: setupNoInput, argv: () => ["--refresh-token=Atzr|in-shell-history"], exit: 2, message: /--refresh-token is not accepted[\s\S]*process list[\s\S]*--refresh-token-stdin/ },
  { name: "setup:credentials: --check with --overwrite", main: setupNoInput, argv: () => ["--check", "--overwrite"], exit: 2, message: /--check reads what is stored and changes nothing; it does not go with --refresh-token-stdin or --overwrite/ },
  { name: "setup:credentials: --port out of range", main: setupNoInput, argv: () => ["--port", "70000"], exit: 2, message: /--port is "70000"; expected a whole number from 0 to 65535/ },
  { name: "setup:credentials: --refresh-token-stdin with nothing piped in", main: setupNoInput, argv: () => ["--refresh-token-stdin", "--yes"], exit: 2, message: /standard input is empty\. Pipe the refresh token in/ },
  { name: "setup:credentials: --refresh-token-stdin with a file of several values", main: setupWith("Atzr|one\nAtzr|two\n"), argv: () => ["--refresh-token-stdin", "--yes"], exit: 2, message: /more than one word; pipe the refresh token alone/ },
  { name: "setup:credentials: ASK_LWA_CLIENT_SECRET missing off a terminal", main: setupWith("Atzr|x"), argv: () => ["--refresh-token-stdin", "--yes"], env: { ASK_LWA_CLIENT_SECRET: undefined }, exit: 2, message: /Missing ASK_LWA_CLIENT_SECRET[\s\S]*Set them in the environment/ },
  { name: "setup:credentials: a refresh token LWA refuses", main: setupWith(FOREIGN_TOKEN), argv: () => ["--refresh-token-stdin", "--yes"], exit: 2, message: /refresh token/i },
  { name: "setup:credentials: --check with nothing stored", main: setupNoInput, argv: () => ["--check"], exit: 1, message: /\/example\/boston-info\/ask\/refresh-token is missing[\s\S]*Fix with npm run setup:credentials/ },

  // --- deploy:skill ---
  { name: "deploy:skill: without --repo", main: deploySkillBuilt("skill-package"), argv: () => [], exit: 2, message: /--repo is required[\s\S]*Usage: npm run deploy:skill/ },
  { name: "deploy:skill: PACKAGE_BUCKET that is not a bucket name", main: deploySkillBuilt("skill-package"), argv: (i) => ["--repo", i.dir], env: { PACKAGE_BUCKET: "My_Bucket" }, exit: 2, message: /PACKAGE_BUCKET must be an S3 bucket name.*My_Bucket/ },
  { name: "deploy:skill: the build fails", main: deploySkillBuilt("skill-package", { fail: new BuildFailed("pip", "requirements.txt names a package pip cannot find (no-such-package); fix requirements.txt") }), argv: (i) => ["--repo", i.dir], exit: 1, message: /no-such-package[\s\S]*requirements\.txt/ },
  { name: "deploy:skill: a skill package whose skill.json is not JSON", main: deploySkillBuilt("skill-json-not-json"), argv: (i) => ["--repo", i.dir], exit: 2, message: /skill\.json/ },
  { name: "deploy:skill: a skill package whose model is not JSON", main: deploySkillBuilt("model-not-json"), argv: (i) => ["--repo", i.dir], exit: 2, message: /en-US\.json[\s\S]*invalid JSON/ },
  { name: "remote: the certification list has an unexpected shape", main: status, argv: () => [], setup: (w) => void w.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { items: "none" }, times: 20 }), exit: 1, message: /certification list[\s\S]*unexpected shape[\s\S]*run the command again/ },
];

describe("the bad-input catalogue", () => {
  let inputs: Inputs;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "bad-input-"));
    inputs = { dir, at: (...parts) => join(dir, ...parts) };
    prepareInputs(inputs);
  });
  afterAll(() => rmSync(inputs.dir, { recursive: true, force: true }));

  it("has at least 60 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const world = await startReleaseWorld({ live: "blue", ssm: true });
    try {
      await c.setup?.(world);
      const lambdaMark = world.lambdaEmu.calls.entries.length;
      const smapiMark = world.smapiEmu.calls.length;
      const ssmMark = world.ssmEmu!.calls.entries.length;
      const stdout = capture();
      const stderr = capture();
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...world.env, AWS_MAX_ATTEMPTS: "3" };
      for (const [name, value] of Object.entries(c.env ?? {})) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      const saved = process.env;
      process.env = env;
      let code: number;
      try {
        code = await asProcess(c.name, c.main)(c.argv(inputs), { env, stdout, stderr, stdin: Object.assign(new PassThrough(), { isTTY: false }) });
      } finally {
        process.env = saved;
      }
      const said = stderr.text() + stdout.text();
      const mutations = [
        ...world.lambdaEmu.calls.entries.slice(lambdaMark).filter((e) => e.mutating).map((e) => `lambda ${e.operation}`),
        ...world.smapiEmu.calls.slice(smapiMark).filter((e) => e.mutating).map((e) => `smapi ${e.operation}`),
        ...world.ssmEmu!.calls.entries.slice(ssmMark).filter((e) => e.mutating).map((e) => `ssm ${e.operation}`),
      ];
      expect({ code, said, stack: UNTYPED_FAILURE.test(said), mutations }).toEqual({ code: c.exit, said: expect.stringMatching(c.message), stack: false, mutations: [] });
    } finally {
      await world.close();
    }
  });
});
