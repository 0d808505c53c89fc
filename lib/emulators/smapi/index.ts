/** The SMAPI + LWA emulator: start it, drive it with the real ask-smapi-sdk. */
export { EMULATED_OPERATIONS, startSmapiEmulator } from "./server";
export type { CallLogEntry, RawRequest, SmapiEmulator, SmapiEmulatorOptions, SpecViolation } from "./server";
export { DEFAULT_ACCOUNT, KNOWN_SCOPES } from "./lwa";
export type { Account, Vendor } from "./vendors";
export { smapiClient, smapiEnv } from "./client";
export type { SmapiClient } from "./client";
export type { Consistency, ModelBuildOutcome, RollbackOutcome, Timings, ValidationOutcome, LambdaPermissionCheck } from "./http";
export type { SimulateHandler, SimulationContext, SimulationOutcome } from "./simulations";
export { modelBuildError } from "./models";
export { failedValidation } from "./testing";
export { triggerError, manifestEndpoints } from "./manifest";
export { fixtureManifest, fixtureModels, DEFAULT_FUNCTION_ARN, newSkillId } from "./seed";
export { ANY_OPERATION, SmapiFaults } from "./faults";
export type { BeforeHook, FaultContext, SmapiFailureSpec } from "./faults";
export { getSpecValidator } from "./spec-validator";
export type { JsonObject, SmapiError, Stage } from "./state";
