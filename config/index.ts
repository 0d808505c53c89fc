export { loadEnvironment, loadEnvironments, overrideNotices, ConfigError, ENVIRONMENT_OVERRIDES, type LoadOptions } from "./load";
export { environmentSchema, LAMBDA_ARCHITECTURES, LOG_RETENTION_DAYS, PYTHON_RUNTIMES, type BuildRecipe, type EnvironmentConfig, type EnvironmentInput } from "./schema";
export { AWS_REGIONS, type AwsRegion } from "./aws-regions";
export { aliasErrorsAlarmName } from "./alarm-name";
