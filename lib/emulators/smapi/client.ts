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

/** The environment variables that point a command (its main) at the emulator, as a person would set them. */
export function smapiEnv(emu: { url: string; skillId: string; credentials: LwaCredentials }): NodeJS.ProcessEnv {
  return {
    SKILL_ID: emu.skillId,
    ASK_SMAPI_SERVER_BASE_URL: emu.url,
    ASK_LWA_TOKEN_HOST: emu.url,
    ASK_LWA_CLIENT_ID: emu.credentials.clientId,
    ASK_LWA_CLIENT_SECRET: emu.credentials.clientSecret,
    ASK_REFRESH_TOKEN: emu.credentials.refreshToken,
  };
}
