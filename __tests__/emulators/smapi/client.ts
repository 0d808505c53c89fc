/**
 * A real `ask-smapi-sdk` client pointed at the emulator for both SMAPI and
 * LWA, built exactly the way the pipeline's scripts build theirs.
 */
import { CustomSmapiClientBuilder } from "ask-smapi-sdk";
import type { services } from "ask-smapi-model";
import type { LwaCredentials } from "./lwa";

export type SmapiClient = services.skillManagement.SkillManagementServiceClient;

export function smapiClient(emu: { url: string; credentials: LwaCredentials }, credentials: Partial<LwaCredentials> = {}): SmapiClient {
  return new CustomSmapiClientBuilder()
    .withApiEndpoint(emu.url)
    .withAuthEndpoint(emu.url)
    .withRefreshTokenConfig({ ...emu.credentials, ...credentials })
    .client();
}
