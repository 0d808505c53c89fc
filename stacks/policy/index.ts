import { AlexaPermissionHasEventSourceToken } from "./alexa-permission-has-event-source-token";
import { LogGroupHasRetention } from "./log-group-has-retention";
import { NoPlaintextCodebuildSecrets } from "./no-plaintext-codebuild-secrets";
import { NoWildcardIamActions } from "./no-wildcard-iam-actions";
import { NoWriteOnAnyResource } from "./no-write-on-any-resource";
import type { PolicyRule } from "./rule";
import { S3BucketIsPrivateAndEncrypted } from "./s3-bucket-is-private-and-encrypted";

/** The rule pack every stack of this project is held to. */
export const PIPELINE_RULES: readonly PolicyRule[] = [
  NoWildcardIamActions,
  NoWriteOnAnyResource,
  AlexaPermissionHasEventSourceToken,
  NoPlaintextCodebuildSecrets,
  LogGroupHasRetention,
  S3BucketIsPrivateAndEncrypted,
];

export { PolicyAspect, suppressPolicy } from "./aspect";
export type { PolicyRule, RuleOutcome } from "./rule";
