/**
 * Names Amazon fixed, used by the stacks (what is provisioned) and the
 * scripts (what is checked) alike, so the two cannot disagree.
 */

/** The service principal that invokes a custom skill's Lambda endpoint (the "Alexa Skills Kit" trigger). */
export const ALEXA_SKILLS_KIT_PRINCIPAL = "alexa-appkit.amazon.com";

/** Smart home skills' principal: a permission for it must be scoped to a skill too. */
export const ALEXA_SMART_HOME_PRINCIPAL = "alexa-connectedhome.amazon.com";

/** The aliases of the old manual process, one per certification: production-1, production-2, … */
export const LEGACY_ALIAS = /^production-\d+$/;
