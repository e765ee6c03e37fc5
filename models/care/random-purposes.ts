/**
 * What each random block decides: the `purpose` word of a stream address
 * (agent, purpose, counter, step). A new decision gets a new purpose, so adding it shifts no
 * existing draw.
 */
export const PURPOSE_POPULATION = 1; // counter: attribute group, step: block within it
export const PURPOSE_ONSET = 2; // counter: the resident's episode serial
export const PURPOSE_FIRST_ONSET = 5; // the resident's first onset time
export const PURPOSE_FOLLOW_UP = 6; // counter: episode serial, step: gap number ÷ 4 (lane: gap mod 4)
export const PURPOSE_EPISODE = 3; // counter: episode serial, step: block of episode traits
export const PURPOSE_VISIT = 4; // counter: episode serial, step: visit number within the episode
export const PURPOSE_DEMOGRAPHY = 7; // counter: the year of the run just completed (1, 2, …), step: block within it
export const PURPOSE_CONTRACTING = 8; // counter: contract year, step: update within the year
export const PURPOSE_RETENTION = 9; // counter: episode serial, step: the episode's visit blocks so far; lane 0 retention, lane 1 family bed
