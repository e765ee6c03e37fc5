/**
 * Condition groups: what a facility's capability is stated for. An episode kind belongs to one
 * group; a facility treats it when its capability for the group reaches the episode's need level
 * (1 minor … 5 provincial only). Groups follow the tier functions of the policy documents: grassroots
 * centres do minor surgery and normal delivery, county hospitals emergency rescue, tertiary
 * hospitals complex and critical care.
 */
export const CONDITION_GROUPS = [
  "general",
  "chronic",
  "cardiocerebral",
  "respiratory",
  "surgery",
  "maternity",
  "oncology",
  "rehabilitation",
] as const;
export type ConditionGroup = (typeof CONDITION_GROUPS)[number];
export const GROUP_COUNT = CONDITION_GROUPS.length;
