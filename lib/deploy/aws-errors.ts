// Moved below the layers that share it (deploy, setup-credentials); kept so imports in flight still resolve.
export { awsCall, translateAwsError, type AwsCall } from "../aws/errors";
